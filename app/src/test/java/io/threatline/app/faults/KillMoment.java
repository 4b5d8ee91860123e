package io.threatline.app.faults;

import java.time.Duration;
import java.util.Random;

/**
 * When a fault test kills a child JVM: either a random delay after the child has shown it is
 * working (delivering, writing), or a random moment of its life counted from its start — start-up,
 * joining its group, restoring state, working, whatever it is doing then.
 *
 * @param whileWorking whether to wait for the child to work before counting the delay
 * @param delayMs      the delay: after it works, or after it was started
 */
public record KillMoment(boolean whileWorking, long delayMs) {

    /**
     * Draws the moment of kill number {@code kill} (from 0): the first is always while working, so
     * that every run kills at least once in the middle of work; each later one is either, at even odds.
     */
    public static KillMoment draw(Random random, int kill, Duration maxWhileWorking, Duration maxAfterStart) {
        boolean whileWorking = kill == 0 || random.nextBoolean();
        long delay = random.nextInt((int) (whileWorking ? maxWhileWorking : maxAfterStart).toMillis());
        return new KillMoment(whileWorking, delay);
    }

    /**
     * Waits for the moment ({@code untilWorking} returns once the child works) and kills the child
     * with SIGKILL; returns how long it had lived.
     */
    public Duration awaitAndKill(ChildJvm child, Runnable untilWorking) throws InterruptedException {
        if (whileWorking) {
            untilWorking.run();
            Thread.sleep(delayMs);
        } else {
            Thread.sleep(Math.max(0, delayMs - child.age().toMillis()));
        }
        Duration lived = child.age();
        child.kill();
        return lived;
    }

    /** {@code kill 2 while working +655 ms, at 8.0 s of its life, <state>}: for the output and assertion descriptions. */
    public String describe(int kill, Duration lived, String state) {
        return String.format(
                "kill %d %s +%d ms, at %.1f s of its life, %s",
                kill + 1, whileWorking ? "while working" : "after start", delayMs, lived.toMillis() / 1000.0, state);
    }
}
