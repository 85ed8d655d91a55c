package ca.crim.pavics.jupyter.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers a registry's {@code WWW-Authenticate} challenge as the docker CLI does (distribution spec, "token
 * authentication"): Basic with the registry's credential; Bearer by asking the challenge's realm for a token for the
 * challenge's scope (plus any extra pull scopes), with the credential as Basic auth, or with an identity token as an
 * OAuth2 refresh token ({@code POST grant_type=refresh_token}), or anonymously. Credentials never go over plain HTTP
 * (to the registry or to a token realm) unless {@link RegistrySettings#sendCredentialsOverHttp()} allows it; a
 * challenge that then cannot be met says so.
 */
final class RegistryAuthenticator {
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Sends one token request (the client's retrying exchange). */
    interface TokenExchange {
        RegistryTransport.Response send(String method, URI uri, Map<String, String> headers, Optional<String> form)
                throws IOException;
    }

    private final ImageReference ref;
    private final RegistrySettings settings;
    private final List<String> extraScopes = new ArrayList<>();
    private volatile String authorization;
    private volatile String withheldFrom;

    RegistryAuthenticator(ImageReference ref, RegistrySettings settings) {
        this.ref = ref;
        this.settings = settings;
    }

    void addScope(String scope) {
        extraScopes.add(scope);
    }

    /** The {@code Authorization} header value to send, if any. */
    Optional<String> header() {
        return Optional.ofNullable(authorization);
    }

    /** Where credentials were withheld because of plain HTTP (a message part), if they were. */
    Optional<String> withheld() {
        return Optional.ofNullable(withheldFrom);
    }

    /**
     * Obtains authorization for a challenge.
     *
     * @param plainHttp the registry is spoken to over plain HTTP
     * @param what the request being answered, for messages
     */
    void answer(String challenge, boolean plainHttp, String what, TokenExchange exchange) throws IOException {
        Optional<DockerCredentials.Credential> credential = settings.credentials().lookup(ref.registry());
        String scheme = challenge.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        if (scheme.equals("basic")) {
            DockerCredentials.Credential c = credential.orElseThrow(() -> new RegistryException(
                    RegistryException.Kind.UNAUTHORIZED, what + ": registry " + ref.registry() + " needs credentials"
                            + " (none found in the docker configuration): log in with docker login " + ref.registry()));
            if (c.isIdentityToken()) {
                throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, what + ": registry " + ref.registry()
                        + " asks for a password, the docker configuration has an identity token (" + c.source() + ")");
            }
            if (plainHttp && !settings.sendCredentialsOverHttp()) {
                withheldFrom = c.source();
                throw credentialsOverHttp(what, c, "registry " + ref.registry());
            }
            authorization = "Basic " + c.basic();
            return;
        }
        if (!scheme.equals("bearer")) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + ": registry " + ref.registry()
                    + " asks for an authentication scheme we do not speak: " + challenge);
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null || realm.isBlank()) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + ": registry " + ref.registry()
                    + " asks for a token without naming where to get it: " + challenge);
        }
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + ": invalid token realm " + realm);
        }
        boolean realmPlain = "http".equalsIgnoreCase(realmUri.getScheme());
        Optional<DockerCredentials.Credential> usable = credential;
        if (credential.isPresent() && (plainHttp || realmPlain) && !settings.sendCredentialsOverHttp()) {
            withheldFrom = credential.get().source();
            usable = Optional.empty();
        }
        List<String> scopes = new ArrayList<>();
        scopes.add(params.getOrDefault("scope", "repository:" + ref.repository() + ":pull"));
        extraScopes.stream().filter(s -> !scopes.contains(s)).forEach(scopes::add);
        StringBuilder query = new StringBuilder();
        if (params.containsKey("service")) {
            query.append("service=").append(enc(params.get("service")));
        }
        for (String scope : scopes) {
            query.append(query.length() > 0 ? "&" : "").append("scope=").append(enc(scope));
        }
        RegistryTransport.Response response;
        Map<String, String> headers = new LinkedHashMap<>();
        if (usable.isPresent() && usable.get().isIdentityToken()) {
            String form = query + "&grant_type=refresh_token&client_id=pavics-jupyter&refresh_token="
                    + enc(usable.get().secret());
            headers.put("Content-Type", "application/x-www-form-urlencoded");
            response = exchange.send("POST", realmUri, headers, Optional.of(form));
        } else {
            usable.ifPresent(c -> headers.put("Authorization", "Basic " + c.basic()));
            URI get = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
            response = exchange.send("GET", get, headers, Optional.empty());
        }
        if (response.status() == 401 || response.status() == 403) {
            if (withheldFrom != null) {
                throw credentialsOverHttp(what, credential.get(), "token realm " + realm);
            }
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, what + ": the token server " + realm
                    + " refused " + credential.map(c -> "the credentials from " + c.source()).orElse("anonymous access")
                    + " (HTTP " + response.status() + "); log in with docker login " + ref.registry());
        }
        if (response.status() != 200) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + ": token request to " + realm
                    + " answered HTTP " + response.status());
        }
        JsonNode token;
        try {
            token = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + ": the token server " + realm
                    + " answered something other than JSON");
        }
        String value = token.hasNonNull("token") ? token.get("token").asText() : token.path("access_token").asText();
        if (value.isEmpty()) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, what + ": the token server " + realm
                    + " answered without a token");
        }
        authorization = "Bearer " + value;
    }

    /** The failure after a challenge was answered and the registry still refuses. */
    RegistryException refused(String what, int status) throws RegistryException {
        Optional<DockerCredentials.Credential> credential = settings.credentials().lookup(ref.registry());
        if (withheldFrom != null && credential.isPresent()) {
            return credentialsOverHttp(what, credential.get(), "registry " + ref.registry());
        }
        return new RegistryException(RegistryException.Kind.UNAUTHORIZED, what + ": registry " + ref.registry()
                + " refused " + credential.map(c -> "the credentials from " + c.source()).orElse("anonymous access")
                + " (HTTP " + status + "); log in with docker login " + ref.registry() + " or check access to "
                + ref.repository());
    }

    private static RegistryException credentialsOverHttp(String what, DockerCredentials.Credential c, String where) {
        return new RegistryException(RegistryException.Kind.CREDENTIALS_OVER_HTTP, what + ": " + where + " is plain HTTP;"
                + " the credentials from " + c.source() + " were not sent over it");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
