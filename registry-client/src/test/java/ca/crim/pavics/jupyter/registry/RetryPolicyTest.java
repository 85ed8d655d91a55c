package ca.crim.pavics.jupyter.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(60));

    @Test
    void backoffDoublesWithJitterWithinHalfAndOneAndAHalf() {
        for (int attempt = 1; attempt <= 4; attempt++) {
            long base = Math.min(1000L << (attempt - 1), 8000L);
            for (int i = 0; i < 50; i++) {
                long ms = policy.delay(attempt, Optional.empty(), Duration.ZERO).orElseThrow().toMillis();
                assertThat(ms).as("attempt " + attempt).isBetween(base / 2, base * 3 / 2);
            }
        }
        assertThat(policy.delay(5, Optional.empty(), Duration.ZERO)).as("no attempt left").isEmpty();
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDateIsHonouredUpToFourTimesTheLongestBackoff() {
        assertThat(policy.delay(1, Optional.of("3"), Duration.ZERO)).hasValue(Duration.ofSeconds(3));
        assertThat(policy.delay(1, Optional.of("120"), Duration.ZERO)).hasValue(Duration.ofSeconds(32));
        String inFive = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(6));
        assertThat(policy.delay(1, Optional.of(inFive), Duration.ZERO).orElseThrow().toSeconds()).isBetween(4L, 6L);
        assertThat(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).hasValue(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter("soon")).isEmpty();
    }

    @Test
    void theTotalWaitIsBounded() {
        assertThat(policy.delay(2, Optional.of("10"), Duration.ofSeconds(55))).isEmpty();
        assertThat(policy.delay(2, Optional.of("5"), Duration.ofSeconds(55))).hasValue(Duration.ofSeconds(5));
    }
}
