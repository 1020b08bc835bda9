package dev.sluice.transport.net;

import java.util.Objects;

/** Creates the {@link SyslogTransport} for a {@link Target}'s scheme. */
public final class SyslogTransports {

    private SyslogTransports() {
    }

    /**
     * A started transport: it connects in the background at once and accepts messages immediately.
     *
     * @throws IllegalArgumentException if a TLS target has no TLS settings
     * @throws dev.sluice.transport.tls.TlsConfigException if the TLS files cannot be used (naming option and file)
     */
    public static SyslogTransport create(Target target, TransportSettings settings, DeliveryListener listener) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(listener, "listener");
        NettyTransport transport = switch (target.scheme()) {
            case UDP -> new UdpTransport(target, settings, listener);
            case TCP, TLS -> new TcpTransport(target, settings, listener);
            case RELP, RELP_TLS -> new RelpTransport(target, settings, listener);
        };
        transport.start();
        return transport;
    }
}
