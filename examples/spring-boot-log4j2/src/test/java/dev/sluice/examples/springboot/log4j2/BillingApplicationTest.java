package dev.sluice.examples.springboot.log4j2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Boots the application against the RELP test server and checks what the central server received.
 *
 * <p>Ordering: Spring Boot configures logging from {@code log4j2-spring.xml} while it prepares the environment,
 * before {@code @DynamicPropertySource} values exist. So the server's address goes in as a system property, set
 * in {@code @BeforeAll}: the server extension has started by then (extensions' {@code beforeAll} run first), and
 * the Spring context is only built afterwards, for the first test instance.
 */
@SpringBootTest
class BillingApplicationTest {

    @RegisterExtension
    static final RelpTestServer CENTRAL = RelpTestServer.builder().build();

    @BeforeAll
    static void pointLoggingAtTheTestServer() {
        System.setProperty("central.logging.target", CENTRAL.target());
    }

    @AfterAll
    static void forgetTarget() {
        System.clearProperty("central.logging.target");
    }

    @Autowired
    Orders orders;

    @Test
    void anOrderIsLoggedCentrallyWithTheApplicationNameAndTheMdc() {
        // (What was logged while the application started was cleared: the extension clears before each test.)
        orders.accept("A-1002", "bob");

        ReceivedMessage order = await().atMost(Duration.ofSeconds(20))
                .until(() -> find("order A-1002 accepted"), Optional::isPresent).orElseThrow();
        assertThat(order.appName()).isEqualTo("billing-example");
        assertThat(order.severity()).isEqualTo(6); // INFO
        assertThat(order.sdParam("mdc@32473", "orderId")).contains("A-1002");
        assertThat(order.sdParam("mdc@32473", "customer")).contains("bob");
        assertThat(order.sdParam("log@32473", "logger")).contains(Orders.class.getName());
        assertThat(order.sdParam("meta", "sequenceId")).isPresent();
    }

    private static Optional<ReceivedMessage> find(String message) {
        return CENTRAL.messages().stream().filter(m -> m.message().equals(message)).findFirst();
    }
}
