package dev.sluice.examples.springboot;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application whose logs also go to the central syslog server (see logback-spring.xml). It accepts
 * one order when it starts.
 */
@SpringBootApplication
public class BillingApplication {

    public static void main(String[] args) {
        SpringApplication.run(BillingApplication.class, args);
    }

    @Bean
    CommandLineRunner firstOrder(Orders orders) {
        return args -> orders.accept("A-1001", "alice");
    }
}
