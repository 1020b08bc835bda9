package dev.sluice.examples.springboot.log4j2;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;

/**
 * Accepts an order and logs it with the order and the customer in the MDC, as request-scoped code does; the MDC
 * arrives at the syslog server as structured data ({@code [mdc@32473 customer="…" orderId="…"]}).
 */
@Service
public class Orders {

    private static final Logger LOG = LoggerFactory.getLogger(Orders.class);

    public void accept(String orderId, String customer) {
        try (MDC.MDCCloseable order = MDC.putCloseable("orderId", orderId);
                MDC.MDCCloseable who = MDC.putCloseable("customer", customer)) {
            LOG.info("order {} accepted", orderId);
        }
    }
}
