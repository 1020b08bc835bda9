package dev.sluice.it.rsyslog;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks tests that start a real {@code rsyslogd}. Without one they are skipped visibly
 * ({@code -Dsluice.rsyslog=auto}, the default) or fail ({@code -Dsluice.rsyslog=required}); see
 * {@link RsyslogGate}. Also tags them {@code rsyslog} so that they can be selected or excluded.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("rsyslog")
@ExtendWith(RsyslogGate.class)
public @interface RequiresRsyslog {
}
