/**
 * Fault tests (issue #7): each Threatline process runs in a JVM of its own and is killed with
 * SIGKILL at a random moment while work flows, then started again; the tests prove the design's
 * promise that a kill -9 of any process, at any moment, loses nothing and delivers no NEW twice.
 *
 * <ul>
 *   <li>{@link io.threatline.app.faults.HubRandomKillIT}: the hub, killed three times while sensors
 *       keep publishing; two partners with different agreements each get every indicator their
 *       agreement grants exactly once as NEW, and nothing else.</li>
 *   <li>{@link io.threatline.app.faults.BrokerKillRestartIT}: {@code threatline platform} (broker and
 *       schema registry in one JVM) killed while the hub and sensors run, started again on the same
 *       data directory and ports: nothing lost, nothing twice, nothing dead-lettered, and the hub
 *       rides it out; a sensor that comes online during the outage gets its reports in too.</li>
 *   <li>{@link io.threatline.app.faults.DeliveryKillRestartIT}: {@code threatline deliver} with a
 *       files channel, killed twice: every record in the folder at least once, in whole lines and
 *       completed files, and a receipt chain that verifies and accounts for every record.</li>
 * </ul>
 *
 * <p>They are ordinary integration tests ({@code *IT}, Failsafe, part of {@code ./mvnw verify} and
 * so of {@code .ci/run}); alone:
 * {@code ./mvnw -B -pl app -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test='faults.*IT' -Dfailsafe.failIfNoSpecifiedTests=false}. On a 2-core machine they take
 * about 3 minutes together.
 *
 * <p>The random choices (when to kill, how long the platform stays down) come from a seed that
 * every test prints and names in its assertion messages; {@code -Dthreatline.faults.seed=<seed>}
 * replays them. The children's whole logs stay in {@code app/target/tmp/fault-logs/}; a failing
 * test also prints the end of each.
 */
package io.threatline.app.faults;
