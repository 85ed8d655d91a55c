package ca.crim.pavics.jupyter.env.fetch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A download stream that gives up when its server sends nothing for a while: a watchdog closes the stream (which
 * aborts the HTTP exchange) and the blocked read then fails with "no data for N s". The JDK's HTTP client has no read
 * timeout for a response body.
 */
final class SilenceGuard extends FilterInputStream {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "download-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final long silenceNanos;
    private final String url;
    private final ScheduledFuture<?> check;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;

    SilenceGuard(InputStream in, Duration silence, String url) {
        super(in);
        this.silenceNanos = silence.toNanos();
        this.url = url;
        long period = Math.max(100, Math.min(1000, silence.toMillis() / 4));
        this.check = WATCHDOG.scheduleAtFixedRate(this::checkProgress, period, period, TimeUnit.MILLISECONDS);
    }

    private void checkProgress() {
        if (System.nanoTime() - lastProgress > silenceNanos) {
            stalled = true;
            check.cancel(false);
            try {
                in.close();
            } catch (IOException e) {
                // closing is what aborts the exchange; the read reports the silence
            }
        }
    }

    private IOException silence() {
        return new IOException("no data from " + url + " for " + (silenceNanos / 1_000_000_000L) + " s");
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (stalled) {
            throw silence();
        }
        try {
            int n = in.read(b, off, len);
            lastProgress = System.nanoTime();
            return n;
        } catch (IOException e) {
            throw stalled ? silence() : e;
        }
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        super.close();
    }
}
