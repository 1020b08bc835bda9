/**
 * Delivery policies of the (future) delivery engine: when it may send ({@link
 * dev.sluice.transport.delivery.DeliverySchedule}: {@link dev.sluice.transport.delivery.DeliverySchedule#always()}
 * or {@link dev.sluice.transport.delivery.DeliveryWindows} of {@link dev.sluice.transport.delivery.DeliveryWindow}s
 * with a per-host {@link dev.sluice.transport.delivery.Stagger}), what may skip the window ({@link
 * dev.sluice.transport.delivery.UrgencyPolicy}) and how fast ({@link dev.sluice.transport.delivery.RateLimiter}).
 *
 * <p>None of them reads a clock or sleeps (STYLE 4): instants and ticks come in as parameters or through an
 * injected ticker, so windows, DST changes and rates are tested with a fake clock. The engine loop they are made
 * for:
 * <pre>{@code
 * Instant now = clock.instant();
 * if (!schedule.isOpen(now) && !urgent) {
 *     park(schedule.sleepBeforeRecheck(now, DeliverySchedule.DEFAULT_MAX_SLEEP)); // then re-read the clock
 *     continue;
 * }
 * long delay = limiter.acquireDelayNanos(frame.length);
 * if (delay > 0) { park(min(delay, 1 s)); continue; }                           // then ask again
 * send(frame);
 * }</pre>
 */
package dev.sluice.transport.delivery;
