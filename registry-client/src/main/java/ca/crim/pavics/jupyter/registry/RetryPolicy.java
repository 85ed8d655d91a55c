package ca.crim.pavics.jupyter.registry;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a failed request again: at most {@code maxAttempts} attempts in all, waiting an exponentially growing
 * delay with jitter between them ({@code initialBackoff} × 2^(n-1), capped at {@code maxBackoff}, each multiplied by
 * a random factor in [0.5, 1.5)), or what a 429/503 answer's {@code Retry-After} says (capped at {@code maxBackoff}
 * × 4); the waits of one request never add up to more than {@code maxTotalWait}.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxTotalWait) {
    /** 5 attempts, 1 s doubling up to 16 s, at most 2 minutes of waiting per request. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(16),
            Duration.ofMinutes(2));
    /** One attempt: no retries. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /**
     * The wait before attempt {@code attempt + 1} after attempt {@code attempt} (1-based) failed; empty when no
     * attempt is left or the total would exceed {@link #maxTotalWait()}.
     *
     * @param retryAfter the server's {@code Retry-After} header, if any (seconds or an HTTP date)
     * @param waitedSoFar what this request already waited
     */
    public Optional<Duration> delay(int attempt, Optional<String> retryAfter, Duration waitedSoFar) {
        if (attempt >= maxAttempts) {
            return Optional.empty();
        }
        Duration wait = retryAfter.flatMap(RetryPolicy::parseRetryAfter)
                .map(d -> d.compareTo(maxBackoff.multipliedBy(4)) > 0 ? maxBackoff.multipliedBy(4) : d)
                .orElseGet(() -> backoff(attempt));
        if (waitedSoFar.plus(wait).compareTo(maxTotalWait) > 0) {
            return Optional.empty();
        }
        return Optional.of(wait);
    }

    private Duration backoff(int attempt) {
        long base = initialBackoff.toMillis() << Math.min(20, attempt - 1);
        long capped = Math.min(base, maxBackoff.toMillis());
        double jitter = 0.5 + ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis((long) (capped * jitter));
    }

    /** {@code Retry-After}: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
    static Optional<Duration> parseRetryAfter(String value) {
        String v = value.trim();
        if (v.matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
