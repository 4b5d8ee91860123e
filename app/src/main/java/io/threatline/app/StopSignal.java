package io.threatline.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running command learns to stop: its {@code stop} latch is released by Ctrl-C or
 * SIGTERM (through a shutdown hook, which then gives the command up to 60 s to close cleanly), by a
 * test, or by the command itself. Closing it releases the hook and removes it.
 */
final class StopSignal implements AutoCloseable {

    private final CountDownLatch stop;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook;

    StopSignal(String name, CountDownLatch stop) {
        this.stop = stop;
        this.hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        stopped.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    void await() throws InterruptedException {
        stop.await();
    }

    @Override
    public void close() {
        stopped.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and has just been released.
        }
    }
}
