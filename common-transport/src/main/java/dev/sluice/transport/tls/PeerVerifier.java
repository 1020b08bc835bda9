package dev.sluice.transport.tls;

import io.netty.util.NetUtil;

import java.security.InvalidAlgorithmParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The peer check of one {@link AuthMode}, as a pure function over a certificate chain, with rsyslog's semantics:
 * <ul>
 * <li>{@code x509/name}: the leaf is within its validity period, the chain leads to one of the trusted CAs, and a
 * permitted name matches a subjectAltName DNS entry (the subject's CN only when there is no DNS entry) or, for an
 * IP literal, a subjectAltName IP entry. Names compare ignoring ASCII case, and a name with any non-ASCII character
 * matches nothing (see {@link #nameMatches}); {@code *.example.com} matches exactly one more leftmost label
 * ({@code a.example.com}, not {@code example.com} nor {@code a.b.example.com}), on either side: in a permitted peer
 * (rsyslog) or in the certificate (RFC 6125). As in OpenSSL's {@code X509_check_host}, a wildcard needs at least two
 * labels after {@code *.}: {@code *.com} matches nothing. Without permitted peers the expected name is the target
 * host given to {@link #verify}.</li>
 * <li>{@code x509/fingerprint}: the SHA-256 (or SHA-1) fingerprint of the leaf is permitted; no chain check.</li>
 * <li>{@code x509/certvalid}: validity period and chain only.</li>
 * <li>{@code anon}: nothing.</li>
 * </ul>
 * Revocation is not checked. Instances are immutable and thread-safe.
 */
public final class PeerVerifier {

    private static final HexFormat HEX = HexFormat.ofDelimiter(":").withUpperCase();

    private final AuthMode mode;
    private final List<X509Certificate> trustedCas;
    private final Set<TrustAnchor> anchors;
    private final List<String> permittedNames;
    private final List<Fingerprint> permittedFingerprints;
    private final Clock clock;

    private PeerVerifier(AuthMode mode, List<X509Certificate> trustedCas, List<String> permittedPeers, Clock clock) {
        this.mode = mode;
        this.trustedCas = List.copyOf(trustedCas);
        this.clock = clock;
        Set<TrustAnchor> set = new HashSet<>();
        for (X509Certificate ca : this.trustedCas) {
            set.add(new TrustAnchor(ca, null));
        }
        this.anchors = Collections.unmodifiableSet(set);
        if (mode == AuthMode.X509_FINGERPRINT) {
            this.permittedFingerprints = permittedPeers.stream().map(PeerVerifier::parseFingerprint)
                    .collect(Collectors.toUnmodifiableList());
            this.permittedNames = List.of();
        } else {
            permittedPeers.forEach(PeerVerifier::checkNamePattern);
            this.permittedNames = List.copyOf(permittedPeers);
            this.permittedFingerprints = List.of();
        }
    }

    /**
     * @param trustedCas the CA certificates a chain must lead to; required for {@code x509/name} and
     *     {@code x509/certvalid}
     * @param permittedPeers names (or fingerprints, for {@code x509/fingerprint}) as in {@link TlsSettings}
     * @param clock the time against which validity periods are checked
     */
    public static PeerVerifier of(AuthMode mode, Collection<X509Certificate> trustedCas, List<String> permittedPeers,
            Clock clock) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(clock, "clock");
        if (mode.checksChain() && trustedCas.isEmpty()) {
            throw new TlsConfigException("caFile: no trusted CA certificate for authMode " + mode.configName());
        }
        return new PeerVerifier(mode, new ArrayList<>(trustedCas), permittedPeers, clock);
    }

    public AuthMode authMode() {
        return mode;
    }

    /** The trusted CAs, also announced to clients as acceptable issuers. */
    public List<X509Certificate> trustedCas() {
        return trustedCas;
    }

    /**
     * Checks a peer's chain, leaf first.
     *
     * @param expectedHost the name expected in {@code x509/name} when no permitted peers are configured (the target
     *     host on the client side); may be {@code null}
     * @throws PeerVerificationException with a specific reason and message
     */
    public void verify(List<X509Certificate> chain, String expectedHost) throws PeerVerificationException {
        if (mode == AuthMode.ANON) {
            return;
        }
        if (chain == null || chain.isEmpty()) {
            throw new PeerVerificationException(PeerVerificationException.Reason.NO_CERTIFICATE,
                    "peer sent no certificate");
        }
        X509Certificate leaf = chain.get(0);
        if (mode == AuthMode.X509_FINGERPRINT) {
            checkFingerprint(leaf);
            return;
        }
        checkValidity(leaf);
        checkChain(chain);
        if (mode == AuthMode.X509_NAME) {
            checkName(leaf, expectedHost);
        }
    }

    private void checkFingerprint(X509Certificate leaf) throws PeerVerificationException {
        for (Fingerprint permitted : permittedFingerprints) {
            if (permitted.matches(leaf)) {
                return;
            }
        }
        throw new PeerVerificationException(PeerVerificationException.Reason.FINGERPRINT_NOT_PERMITTED,
                "peer fingerprint not permitted: " + fingerprint(leaf, "SHA-256") + ", subject " + subject(leaf)
                        + ", expected one of " + permittedFingerprints);
    }

    private void checkValidity(X509Certificate leaf) throws PeerVerificationException {
        try {
            leaf.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException e) {
            throw new PeerVerificationException(PeerVerificationException.Reason.EXPIRED, "peer certificate expired: "
                    + "subject " + subject(leaf) + ", notAfter " + leaf.getNotAfter().toInstant() + " (now "
                    + clock.instant() + ")", e);
        } catch (CertificateNotYetValidException e) {
            throw new PeerVerificationException(PeerVerificationException.Reason.NOT_YET_VALID,
                    "peer certificate not yet valid: subject " + subject(leaf) + ", notBefore "
                            + leaf.getNotBefore().toInstant() + " (now " + clock.instant() + ")", e);
        }
    }

    private void checkChain(List<X509Certificate> chain) throws PeerVerificationException {
        X509Certificate leaf = chain.get(0);
        if (trustedCas.contains(leaf)) {
            return; // the peer's certificate itself is configured as trusted
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(clock.instant()));
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(chain)));
            CertPathBuilder.getInstance("PKIX").build(params);
        } catch (CertPathBuilderException e) {
            throw new PeerVerificationException(PeerVerificationException.Reason.UNTRUSTED,
                    "peer certificate not trusted: subject " + subject(leaf) + ", issuer "
                            + leaf.getIssuerX500Principal().getName() + " has no valid path to a trusted CA "
                            + trustedCas.stream().map(PeerVerifier::subject).collect(Collectors.toList()), e);
        } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException e) {
            throw new PeerVerificationException(PeerVerificationException.Reason.UNTRUSTED,
                    "peer certificate not trusted: cannot validate the chain (" + e.getMessage() + ")", e);
        }
    }

    private void checkName(X509Certificate leaf, String expectedHost) throws PeerVerificationException {
        List<String> expected = !permittedNames.isEmpty() ? permittedNames
                : expectedHost == null || expectedHost.isBlank() ? List.of() : List.of(expectedHost.trim());
        List<String> dnsNames = dnsNames(leaf);
        List<String> ipAddresses = ipAddresses(leaf);
        List<String> certNames = dnsNames.isEmpty() ? commonNames(leaf) : dnsNames;
        for (String pattern : expected) {
            if (isIpLiteral(pattern)) {
                for (String ip : ipAddresses) {
                    if (sameIp(pattern, ip)) {
                        return;
                    }
                }
            } else {
                for (String name : certNames) {
                    if (nameMatches(pattern, name)) {
                        return;
                    }
                }
            }
        }
        List<String> san = new ArrayList<>(dnsNames);
        san.addAll(ipAddresses);
        throw new PeerVerificationException(PeerVerificationException.Reason.NAME_NOT_PERMITTED,
                "peer name not permitted: subject " + subject(leaf) + ", SAN " + san + ", expected one of "
                        + expected);
    }

    /**
     * Whether a permitted name matches a certificate name, ignoring ASCII case and one trailing dot. A leading
     * {@code *.} label on either side stands for exactly one non-empty label, if at least two labels follow it (see
     * {@link #wildcardMatches}). A name with a non-ASCII character matches nothing: DNS names in certificates are
     * IA5 (ASCII), an internationalized name appears there as its {@code xn--} A-label, and Unicode case folding
     * would turn look-alikes into ASCII (U+212A KELVIN SIGN lower-cases to {@code k}: a CN that starts with it
     * instead of a {@code K} would pass for {@code kafka.example.com}).
     */
    public static boolean nameMatches(String pattern, String certName) {
        String p = normalize(pattern);
        String n = normalize(certName);
        if (p == null || n == null || p.isEmpty() || n.isEmpty()) {
            return false;
        }
        if (p.equals(n)) {
            return true;
        }
        if (p.startsWith("*.")) {
            return wildcardMatches(p, n);
        }
        if (n.startsWith("*.")) {
            return wildcardMatches(n, p);
        }
        return false;
    }

    /**
     * Whether {@code *.rest} covers {@code name}. Like OpenSSL's {@code X509_check_host}, {@code rest} must have at
     * least two labels: a certificate for {@code *.com} (whether a CA issued it or a peer made it) would otherwise
     * stand for every host under a top-level domain. There is no public suffix list, so {@code *.co.uk} matches.
     */
    private static boolean wildcardMatches(String wildcard, String name) {
        if (!hasTwoLabels(wildcard.substring(2))) {
            return false;
        }
        String suffix = wildcard.substring(1); // ".example.com"
        if (!name.endsWith(suffix) || name.length() == suffix.length()) {
            return false;
        }
        String label = name.substring(0, name.length() - suffix.length());
        return !label.contains(".") && !label.contains("*");
    }

    private static boolean hasTwoLabels(String name) {
        String[] labels = name.split("\\.", -1);
        return labels.length >= 2 && Arrays.stream(labels).noneMatch(String::isEmpty);
    }

    /** Trimmed, ASCII letters lower-cased, without one trailing dot; {@code null} if any character is not ASCII. */
    private static String normalize(String name) {
        String n = name == null ? "" : name.trim();
        char[] chars = n.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (c > 0x7F) {
                return null;
            }
            if (c >= 'A' && c <= 'Z') {
                chars[i] = (char) (c + ('a' - 'A'));
            }
        }
        int length = chars.length > 0 && chars[chars.length - 1] == '.' ? chars.length - 1 : chars.length;
        return new String(chars, 0, length);
    }

    /** The subjectAltName DNS entries of a certificate, in order. */
    public static List<String> dnsNames(X509Certificate cert) {
        return altNames(cert, 2);
    }

    /** The subjectAltName IP address entries of a certificate, in the JDK's text form. */
    public static List<String> ipAddresses(X509Certificate cert) {
        return altNames(cert, 7);
    }

    private static List<String> altNames(X509Certificate cert, int type) {
        try {
            Collection<List<?>> all = cert.getSubjectAlternativeNames();
            if (all == null) {
                return List.of();
            }
            List<String> names = new ArrayList<>();
            for (List<?> entry : all) {
                if (entry.size() >= 2 && Integer.valueOf(type).equals(entry.get(0)) && entry.get(1) instanceof String) {
                    names.add((String) entry.get(1));
                }
            }
            return names;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    /** The CN attribute values of the subject, most specific first. */
    public static List<String> commonNames(X509Certificate cert) {
        try {
            List<Rdn> rdns = new ArrayList<>(new LdapName(cert.getSubjectX500Principal().getName()).getRdns());
            Collections.reverse(rdns); // LdapName lists the least specific RDN first
            List<String> cns = new ArrayList<>();
            for (Rdn rdn : rdns) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    cns.add(String.valueOf(rdn.getValue()));
                }
            }
            return cns;
        } catch (InvalidNameException e) {
            return List.of();
        }
    }

    /** The fingerprint in rsyslog's form, {@code "SHA256:AB:CD:..."}. */
    public static String sha256Fingerprint(X509Certificate cert) {
        return fingerprint(cert, "SHA-256");
    }

    /**
     * The fingerprint in rsyslog's form: {@code "SHA256:AB:CD:..."} or {@code "SHA1:AB:..."}.
     *
     * @param algorithm {@code "SHA-256"} or {@code "SHA-1"}
     */
    public static String fingerprint(X509Certificate cert, String algorithm) {
        return algorithm.replace("-", "") + ":" + HEX.formatHex(digest(cert, algorithm));
    }

    private static byte[] digest(X509Certificate cert, String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm).digest(cert.getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot compute " + algorithm + " fingerprint", e);
        }
    }

    static boolean isIpLiteral(String host) {
        String h = stripBrackets(host);
        return NetUtil.isValidIpV4Address(h) || NetUtil.isValidIpV6Address(h);
    }

    private static boolean sameIp(String a, String b) {
        byte[] x = NetUtil.createByteArrayFromIpAddressString(stripBrackets(a));
        byte[] y = NetUtil.createByteArrayFromIpAddressString(stripBrackets(b));
        return x != null && Arrays.equals(x, y);
    }

    private static String stripBrackets(String host) {
        String h = host == null ? "" : host.trim();
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static String subject(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName();
    }

    /**
     * Checks a permitted peer name.
     *
     * @throws TlsConfigException naming {@code permittedPeers} and the value
     */
    static void checkNamePattern(String pattern) {
        String p = pattern == null ? "" : pattern.trim();
        if (p.isEmpty()) {
            throw new TlsConfigException("permittedPeers: empty name");
        }
        if (!p.chars().allMatch(c -> c > 32 && c < 127)) {
            // it would match nothing: a certificate's names are ASCII (an internationalised one in its xn-- form)
            throw new TlsConfigException("permittedPeers: '" + p + "': a name of printable ASCII is expected; write"
                    + " an internationalised name in its xn-- (A-label) form");
        }
        int star = p.indexOf('*');
        if (star >= 0 && (star != 0 || !p.startsWith("*.") || p.length() < 3 || p.indexOf('*', 1) >= 0
                || p.charAt(2) == '.')) {
            throw new TlsConfigException("permittedPeers: '" + p + "': a wildcard must be the whole leftmost label,"
                    + " as in *.example.com");
        }
        if (star == 0 && !hasTwoLabels(p.substring(2, p.endsWith(".") ? p.length() - 1 : p.length()))) {
            // it would match nothing (see wildcardMatches): refused here, where the mistake can be named
            throw new TlsConfigException("permittedPeers: '" + p + "': a wildcard needs at least two labels after"
                    + " '*.', as in *.example.com");
        }
    }

    /**
     * Parses a fingerprint as rsyslog writes it ({@code SHA256:AB:CD:...}, {@code SHA1:...}), also without colons
     * and in any case; without a prefix the algorithm follows from the length.
     *
     * @throws TlsConfigException naming {@code permittedPeers} and the value
     */
    static Fingerprint parseFingerprint(String value) {
        String v = value == null ? "" : value.trim();
        String algorithm = null;
        String hex = v;
        int colon = v.indexOf(':');
        if (colon > 0) {
            String prefix = v.substring(0, colon).replace("-", "").toUpperCase(Locale.ROOT);
            if (prefix.equals("SHA256")) {
                algorithm = "SHA-256";
                hex = v.substring(colon + 1);
            } else if (prefix.equals("SHA1")) {
                algorithm = "SHA-1";
                hex = v.substring(colon + 1);
            }
        }
        hex = hex.replace(":", "").replaceAll("\\s", "").toUpperCase(Locale.ROOT);
        boolean isHex = !hex.isEmpty() && hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'));
        if (isHex && algorithm == null) {
            algorithm = hex.length() == 64 ? "SHA-256" : hex.length() == 40 ? "SHA-1" : null;
        }
        int expectedLength = "SHA-256".equals(algorithm) ? 64 : 40;
        if (!isHex || algorithm == null || hex.length() != expectedLength) {
            throw new TlsConfigException("permittedPeers: '" + v + "' is not a certificate fingerprint (expected"
                    + " SHA256:XX:XX:... with 32 bytes, or SHA1:XX:... with 20 bytes)");
        }
        return new Fingerprint(algorithm, HexFormat.of().parseHex(hex));
    }

    /** A permitted fingerprint. */
    static final class Fingerprint {
        private final String algorithm;
        private final byte[] digest;

        Fingerprint(String algorithm, byte[] digest) {
            this.algorithm = algorithm;
            this.digest = digest;
        }

        boolean matches(X509Certificate cert) {
            return MessageDigest.isEqual(digest, digest(cert, algorithm));
        }

        @Override
        public String toString() {
            return algorithm.replace("-", "") + ":" + HEX.formatHex(digest);
        }
    }
}
