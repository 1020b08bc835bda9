/**
 * Sending syslog messages over the network: the transport SPI ({@link dev.sluice.transport.net.SyslogTransport},
 * {@link dev.sluice.transport.net.Outbound}, {@link dev.sluice.transport.net.DeliveryListener}), targets
 * ({@link dev.sluice.transport.net.Target}), settings, backoff, framing, and the UDP, TCP/TLS and RELP
 * transports made by {@link dev.sluice.transport.net.SyslogTransports#create}.
 *
 * <p>All transports run on the shared daemon event loops of {@link dev.sluice.transport.net.TransportEventLoops}
 * (threads {@code sluice-io-N}); callers never wait on the network.
 */
package dev.sluice.transport.net;
