package ca.crim.pavics.jupyter.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token server for {@code docker-registry}'s token authentication (distribution's "token" auth): gives a JWT
 * (RS256, the signing certificate in its {@code x5c} header, made with {@code openssl}) granting the requested scopes
 * to user {@value #USER} with password {@value #PASSWORD}; anyone else gets 401.
 */
public final class TokenServer implements AutoCloseable {
    public static final String USER = "test";
    public static final String PASSWORD = "secret";
    public static final String SERVICE = "test-registry";
    public static final String ISSUER = "test-token-issuer";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final PrivateKey key;
    private final String certificateDer;
    private final Path certificate;
    private final AtomicInteger issued = new AtomicInteger();

    private TokenServer(Path dir) throws IOException {
        Path keyFile = dir.resolve("token-key.pem");
        certificate = dir.resolve("token-cert.pem");
        Processes.runOk(dir, Duration.ofMinutes(1), List.of(ExternalTools.require("openssl", "openssl").toString(),
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile.toString(), "-out",
                certificate.toString(), "-days", "2", "-subj", "/CN=" + ISSUER));
        try {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pem(keyFile)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read the key openssl made: " + e.getMessage(), e);
        }
        certificateDer = Base64.getEncoder().encodeToString(pem(certificate));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/token", this::token);
        server.start();
    }

    /** Starts a token server; its key and certificate are written into {@code dir}. */
    public static TokenServer start(Path dir) throws IOException {
        return new TokenServer(Files.createDirectories(dir));
    }

    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The PEM certificate the registry verifies tokens with ({@code rootcertbundle}). */
    public Path certificate() {
        return certificate;
    }

    /** Tokens given so far. */
    public int issued() {
        return issued.get();
    }

    private void token(HttpExchange ex) throws IOException {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(auth)) {
                ex.sendResponseHeaders(401, -1);
                return;
            }
            ArrayNode access = JSON.createArrayNode();
            String query = ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery();
            for (String param : query.split("&")) {
                if (param.startsWith("scope=")) {
                    String[] scope = URLDecoder.decode(param.substring(6), StandardCharsets.UTF_8).split(":");
                    if (scope.length == 3) {
                        ObjectNode a = access.addObject();
                        a.put("type", scope[0]);
                        a.put("name", scope[1]);
                        ArrayNode actions = a.putArray("actions");
                        for (String action : scope[2].split(",")) {
                            actions.add(action);
                        }
                    }
                }
            }
            long now = System.currentTimeMillis() / 1000;
            ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
            header.putArray("x5c").add(certificateDer);
            ObjectNode claims = JSON.createObjectNode().put("iss", ISSUER).put("sub", USER).put("aud", SERVICE)
                    .put("exp", now + 600).put("nbf", now - 60).put("iat", now).put("jti", UUID.randomUUID().toString());
            claims.set("access", access);
            String unsigned = b64(JSON.writeValueAsBytes(header)) + "." + b64(JSON.writeValueAsBytes(claims));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(unsigned.getBytes(StandardCharsets.US_ASCII));
            String jwt = unsigned + "." + b64(rs256.sign());
            byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("token", jwt).put("access_token", jwt)
                    .put("expires_in", 600));
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            issued.incrementAndGet();
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] pem(Path file) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (!line.startsWith("-----")) {
                b.append(line.trim());
            }
        }
        return Base64.getDecoder().decode(b.toString());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
