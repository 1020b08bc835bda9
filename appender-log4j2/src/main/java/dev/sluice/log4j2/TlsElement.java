package dev.sluice.log4j2;

import dev.sluice.transport.appender.TlsOptions;

import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderFactory;

/** The {@code <Tls>} element of {@code RemoteSyslog}: its attributes, as written, for the core to check. */
@Plugin(name = "Tls", category = Node.CATEGORY, printObject = true)
public final class TlsElement {

    private TlsElement() {
    }

    @PluginBuilderFactory
    public static Builder newBuilder() {
        return new Builder();
    }

    /** Attributes of {@code <Tls>}; see {@link TlsOptions} for their meaning. Filled by Log4j2 and
     * checked by the core as strings, hence no setters ({@code log4j.public.setter} suppressed). */
    public static final class Builder implements org.apache.logging.log4j.core.util.Builder<TlsOptions> {
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String caFile;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String certFile;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String keyFile;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute(sensitive = true) private String keyPassword;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String keyStore;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute(sensitive = true) private String keyStorePassword;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String trustStore;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute(sensitive = true) private String trustStorePassword;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String authMode;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String permittedPeers;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String protocols;

        @Override
        public TlsOptions build() {
            TlsOptions o = new TlsOptions();
            o.setCaFile(caFile);
            o.setCertFile(certFile);
            o.setKeyFile(keyFile);
            o.setKeyPassword(keyPassword);
            o.setKeyStore(keyStore);
            o.setKeyStorePassword(keyStorePassword);
            o.setTrustStore(trustStore);
            o.setTrustStorePassword(trustStorePassword);
            o.setAuthMode(authMode);
            o.setPermittedPeers(permittedPeers);
            o.setProtocols(protocols);
            return o;
        }
    }
}
