/**
 * Option values of both front-ends, parsed once, here (STYLE 12): {@link dev.sluice.transport.config.Durations},
 * {@link dev.sluice.transport.config.Sizes}, {@link dev.sluice.transport.config.LocalTimes},
 * {@link dev.sluice.transport.config.DaysOfWeek} and {@link dev.sluice.transport.config.Zones}.
 *
 * <p>Every parser takes the option's name with the value and fails with a
 * {@link dev.sluice.transport.config.ConfigException} whose message names both and says what is accepted, such as
 * {@code maxSize: '1 XB' (expected a size such as 512, 64 KB, 1 GB)}. A front-end catches it and reports the message
 * through its status channel; nothing here logs or prints.
 */
package dev.sluice.transport.config;
