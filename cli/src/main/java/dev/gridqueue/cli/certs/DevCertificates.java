package dev.gridqueue.cli.certs;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development CA and the certificates a grid needs, written to one directory: the CA ({@code
 * ca.pem}, {@code ca.key}), the gRPC server's ({@code server.pem}, {@code server.key}), a client
 * certificate for mutual TLS ({@code client.pem}, {@code client.key}), and for Ignite the node key
 * store ({@code node.p12}), the trust store holding the CA ({@code truststore.p12}) and their
 * password ({@code store-password}). Keys are EC P-256, PEM keys PKCS#8; private files are readable
 * by their owner only. For production, use your own CA's certificates in the same files.
 */
public final class DevCertificates {
  /** The files {@link #write} creates, in the directory given. */
  public static final List<String> FILES =
      List.of(
          "ca.pem",
          "ca.key",
          "server.pem",
          "server.key",
          "client.pem",
          "client.key",
          "node.p12",
          "truststore.p12",
          "store-password");

  private static final SecureRandom RANDOM = new SecureRandom();

  private DevCertificates() {}

  /**
   * Writes every file of {@link #FILES} into {@code dir}; the server certificate is valid for
   * localhost, 127.0.0.1 and {@code serverNames} (host names or IP addresses).
   */
  public static void write(Path dir, List<String> serverNames, Duration validity)
      throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    for (String f : FILES) {
      if (Files.exists(dir.resolve(f))) {
        throw new IOException(dir.resolve(f) + " exists: give an empty directory");
      }
    }
    Instant now = Instant.now();
    KeyPair caKeys = newKeyPair();
    X500Name caName = new X500Name("CN=gridqueue development CA");
    X509Certificate ca =
        sign(
            caName,
            caKeys,
            caName,
            caKeys.getPublic(),
            now,
            validity,
            b -> {
              b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
              b.addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            });

    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    for (String n : serverNames) {
      names.add(new GeneralName(isIpAddress(n) ? GeneralName.iPAddress : GeneralName.dNSName, n));
    }
    KeyPair serverKeys = newKeyPair();
    X509Certificate server =
        leaf(
            caName,
            caKeys,
            "gridqueue server",
            serverKeys,
            now,
            validity,
            names,
            KeyPurposeId.id_kp_serverAuth);
    KeyPair clientKeys = newKeyPair();
    X509Certificate client =
        leaf(
            caName,
            caKeys,
            "gridqueue client",
            clientKeys,
            now,
            validity,
            List.of(),
            KeyPurposeId.id_kp_clientAuth);
    // Ignite nodes are both ends of every connection: one certificate for both purposes.
    KeyPair nodeKeys = newKeyPair();
    X509Certificate node =
        leaf(
            caName,
            caKeys,
            "gridqueue node",
            nodeKeys,
            now,
            validity,
            names,
            KeyPurposeId.id_kp_serverAuth,
            KeyPurposeId.id_kp_clientAuth);

    writePublic(dir.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()));
    writePrivate(dir.resolve("ca.key"), pem("PRIVATE KEY", caKeys.getPrivate().getEncoded()));
    writePublic(
        dir.resolve("server.pem"),
        pem("CERTIFICATE", server.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
    writePrivate(
        dir.resolve("server.key"), pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
    writePublic(
        dir.resolve("client.pem"),
        pem("CERTIFICATE", client.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
    writePrivate(
        dir.resolve("client.key"), pem("PRIVATE KEY", clientKeys.getPrivate().getEncoded()));

    char[] password = HexFormat.of().formatHex(randomBytes(16)).toCharArray();
    writePrivate(dir.resolve("store-password"), new String(password) + "\n");
    KeyStore nodeStore = KeyStore.getInstance("PKCS12");
    nodeStore.load(null, null);
    nodeStore.setKeyEntry("node", nodeKeys.getPrivate(), password, new Certificate[] {node, ca});
    store(nodeStore, dir.resolve("node.p12"), password);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("gridqueue-ca", ca);
    store(trust, dir.resolve("truststore.p12"), password);
  }

  private static boolean isIpAddress(String name) {
    return name.matches("[0-9.]+") || name.contains(":");
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder b) throws IOException;
  }

  private static X509Certificate leaf(
      X500Name issuer,
      KeyPair issuerKeys,
      String commonName,
      KeyPair keys,
      Instant now,
      Duration validity,
      List<GeneralName> names,
      KeyPurposeId... purposes)
      throws GeneralSecurityException {
    return sign(
        issuer,
        issuerKeys,
        new X500Name("CN=" + commonName),
        keys.getPublic(),
        now,
        validity,
        b -> {
          b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
          b.addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
          b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
          if (!names.isEmpty()) {
            b.addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(names.toArray(GeneralName[]::new)));
          }
        });
  }

  private static X509Certificate sign(
      X500Name issuer,
      KeyPair issuerKeys,
      X500Name subject,
      java.security.PublicKey subjectKey,
      Instant now,
      Duration validity,
      Extensions extensions)
      throws GeneralSecurityException {
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuer,
              new BigInteger(1, randomBytes(16)),
              Date.from(now.minus(Duration.ofMinutes(5))), // tolerate clocks a little behind
              Date.from(now.plus(validity)),
              subject,
              subjectKey);
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      b.addExtension(
          Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
      b.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          utils.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
      extensions.add(b);
      ContentSigner signer =
          new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (IOException | OperatorCreationException e) {
      throw new GeneralSecurityException("cannot build a certificate for " + subject, e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static void writePublic(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }

  /** Created readable by its owner only (where the file system has POSIX permissions). */
  private static void writePrivate(Path file, String text) throws IOException {
    createPrivate(file);
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }

  private static void createPrivate(Path file) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
  }

  private static void store(KeyStore store, Path file, char[] password)
      throws IOException, GeneralSecurityException {
    createPrivate(file);
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password);
    }
  }
}
