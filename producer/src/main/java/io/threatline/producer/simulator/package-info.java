/**
 * Sensor simulator: the synthetic vendor traffic the demo and the benchmarks feed the hub with.
 *
 * <ul>
 *   <li>{@link io.threatline.producer.simulator.SimulatorSettings}: what to simulate (seed, fleet,
 *       universe size, Zipf skew, duplicate/defang/malformed/retraction shares, TLP mix, clock).
 *   <li>{@link io.threatline.producer.simulator.IndicatorUniverse}: the precomputed, immutable set
 *       of indicators the fleet can see; may be shared by several simulators.
 *   <li>{@link io.threatline.producer.simulator.SensorSimulator}: a deterministic, thread-confined
 *       stream of {@link io.threatline.contract.ThreatEvent}s with counters of what it produced.
 *   <li>{@link io.threatline.producer.simulator.EventPacer}: paces a publishing loop to a target
 *       rate without a system call per event.
 * </ul>
 */
package io.threatline.producer.simulator;
