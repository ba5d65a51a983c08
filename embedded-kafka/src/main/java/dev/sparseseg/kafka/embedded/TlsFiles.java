package dev.sparseseg.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A broker's TLS key pair and a trust store for its clients, made with the JDK's keytool: a
 * self-signed certificate for 127.0.0.1 and localhost (so clients verify the host name as
 * they do by default), PKCS12 files, a random password.
 */
record TlsFiles(Path dir, Path keyStore, Path trustStore, String password) {

    static TlsFiles create(Path dir) {
        String password = UUID.randomUUID().toString();
        Path keyStore = dir.resolve("broker.p12");
        Path cert = dir.resolve("broker.crt");
        Path trustStore = dir.resolve("truststore.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass", password,
                "-rfc", "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(),
                "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", password);
        return new TlsFiles(dir, keyStore, trustStore, password);
    }

    Map<String, String> brokerSettings() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", keyStore.toString());
        p.put("ssl.keystore.password", password);
        p.put("ssl.key.password", password);
        return p;
    }

    Map<String, String> clientSettings() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SSL");
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", trustStore.toString());
        p.put("ssl.truststore.password", password);
        return p;
    }

    void delete() {
        for (Path f : List.of(keyStore, trustStore, dir.resolve("broker.crt"), dir)) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                // a temporary directory: left for the system to clean
            }
        }
    }

    private static void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + out.trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running keytool", e);
        }
    }
}
