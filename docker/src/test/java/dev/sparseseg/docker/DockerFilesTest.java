package dev.sparseseg.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No Docker engine runs here, so the images cannot be built; what can be checked is that they
 * mirror the tested local cluster: the files they copy exist after {@code mvn package} and are
 * the ones the cluster's lib/ holds, the Flink version matches the build's, the configuration
 * keys equal those of flink-job/cluster.sh, and the compose file is valid.
 */
class DockerFilesTest {
    static final Path ROOT = Path.of(System.getProperty("sparseseg.project", "..")).toAbsolutePath().normalize();
    static final Path DOCKER = ROOT.resolve("docker");
    /** onnxruntime, or onnxruntime_gpu in a -Pgpu build: the lib/ holds one of the two. */
    static final String ORT_BUILT = System.getProperty("onnxruntime.artifact", "onnxruntime") + "-"
            + System.getProperty("onnxruntime.version") + ".jar";
    static final String PARENT_FIRST = "classloader.parent-first-patterns.additional: ai.onnxruntime.;org.bytedeco.";

    @Test
    void jobImageCopiesWhatTheBuildProduces() throws IOException {
        String df = Files.readString(DOCKER.resolve("Dockerfile"));
        assertTrue(df.contains("FROM flink:" + System.getProperty("flink.version") + "-java17"),
                "the job image is not on Flink " + System.getProperty("flink.version"));
        List<String> sources = copySources(df);
        assertTrue(sources.contains("flink-job/target/sparseseg-job.jar"));
        for (String s : sources) {
            if (isOtherOrtBuild(s)) {
                continue;
            }
            assertTrue(Files.isRegularFile(ROOT.resolve(s)), "Dockerfile copies " + s + ", which mvn package did not produce");
        }
    }

    @Test
    void gpuImageCopiesTheSameLibWithOnnxRuntimesGpuBuild() throws IOException {
        String df = Files.readString(DOCKER.resolve("Dockerfile.gpu-taskmanager"));
        assertTrue(df.contains("FROM flink:" + System.getProperty("flink.version") + "-java17"));
        String gpuJar = "flink-job/target/flink-lib/onnxruntime_gpu-" + System.getProperty("onnxruntime.version") + ".jar";
        List<String> sources = copySources(df);
        assertTrue(sources.contains(gpuJar), "the GPU image must copy " + gpuJar);
        List<String> cpu = copySources(Files.readString(DOCKER.resolve("Dockerfile")));
        for (String s : sources) {
            if (!s.equals(gpuJar)) {
                assertTrue(cpu.contains(s) || s.endsWith("onnxruntime-" + System.getProperty("onnxruntime.version") + ".jar"),
                        "the GPU image copies " + s + ", which the job image does not");
                assertTrue(isOtherOrtBuild(s) || Files.isRegularFile(ROOT.resolve(s)), s + " missing after mvn package");
            }
        }
    }

    @Test
    void nativeLibrariesInTheImagesAreThoseOfTheClustersLib() throws IOException {
        for (String s : copySources(Files.readString(DOCKER.resolve("Dockerfile")))) {
            if (s.startsWith("flink-job/target/flink-lib/") && !isOtherOrtBuild(s)) {
                assertTrue(Files.isRegularFile(ROOT.resolve(s)), "not in the local cluster's lib/: " + s);
            }
        }
        try (var jars = Files.list(ROOT.resolve("flink-job/target/flink-lib"))) {
            List<String> natives = jars.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("onnxruntime") || n.startsWith("javacpp") || n.startsWith("ffmpeg") || n.startsWith("javacv"))
                    .sorted().toList();
            List<String> copied = copySources(Files.readString(DOCKER.resolve("Dockerfile"))).stream()
                    .filter(s -> s.startsWith("flink-job/target/flink-lib/"))
                    .map(s -> s.substring("flink-job/target/flink-lib/".length()))
                    .map(n -> n.startsWith("onnxruntime") ? ORT_BUILT : n).sorted().toList();
            assertEquals(natives, copied, "the job image's native jars differ from the local cluster's lib/");
        }
    }

    @Test
    void imagesInstallTheDecodingLibrariesCiInstalls() throws IOException {
        String ci = Files.readString(ROOT.resolve(".ci/run"));
        for (String lib : List.of("libdeflate0", "libturbojpeg0")) {
            assertTrue(ci.contains(" " + lib + " "), ".ci/run no longer installs " + lib);
        }
        for (String image : List.of("Dockerfile", "Dockerfile.gpu-taskmanager")) {
            String df = Files.readString(DOCKER.resolve(image));
            Matcher install = Pattern.compile("apt-get install [^\\n]*").matcher(df);
            List<String> installs = new ArrayList<>();
            while (install.find()) {
                installs.add(install.group());
            }
            assertTrue(installs.stream().anyMatch(l -> l.contains(" libdeflate0")), image + " does not install libdeflate0");
            assertTrue(installs.stream().anyMatch(l -> l.contains("\"$TURBOJPEG\"")) && df.contains("echo libturbojpeg0 || echo libturbojpeg)"),
                    image + " does not install libturbojpeg (libturbojpeg0 on Debian)");
        }
    }

    @Test
    void composeUsesTheClustersClassLoadingAndKafkaLimits() throws IOException {
        String compose = Files.readString(DOCKER.resolve("compose.yaml"));
        String cluster = Files.readString(ROOT.resolve("flink-job/cluster.sh"));
        assertTrue(cluster.contains(PARENT_FIRST), "cluster.sh no longer configures " + PARENT_FIRST);
        assertTrue(compose.contains(PARENT_FIRST), "compose.yaml must configure " + PARENT_FIRST + " like cluster.sh");
        assertTrue(compose.contains("KAFKA_MESSAGE_MAX_BYTES: 67108864"), "the broker must take 64 MiB records (KafkaLimits)");
        assertTrue(compose.contains("/opt/flink/usrlib/sparseseg-job.jar"));
    }

    /** TaskManagers come back when they die, as ./sparseseg cluster's supervised ones; savepoints go where cluster.sh puts them. */
    @Test
    void composeRestartsTaskManagersAndKeepsStateLikeTheCluster() throws IOException {
        String compose = Files.readString(DOCKER.resolve("compose.yaml"));
        String cluster = Files.readString(ROOT.resolve("flink-job/cluster.sh"));
        assertTrue(cluster.contains("cluster.sh\" supervise"), "cluster.sh no longer supervises its TaskManagers");
        for (String service : List.of("taskmanager", "taskmanager-gpu")) {
            String block = service(compose, service);
            assertTrue(block.contains("restart: unless-stopped"), service + " must restart when its TaskManager dies:\n" + block);
            assertTrue(block.contains("flink-state:/opt/flink/state"), service + " must write checkpoints to the shared volume");
        }
        assertTrue(service(compose, "jobmanager").contains("flink-state:/opt/flink/state"), "the JobManager must read the checkpoints");
        for (String key : List.of("execution.checkpointing.dir: file://", "execution.checkpointing.savepoint-dir: file://")) {
            assertTrue(cluster.contains(key), "cluster.sh no longer sets " + key);
            assertEquals(2, compose.split(Pattern.quote(key + "/opt/flink/state/"), -1).length - 1,
                    "compose.yaml must set " + key + " for the CPU and GPU TaskManagers' configuration");
        }
        for (String df : List.of("Dockerfile", "Dockerfile.gpu-taskmanager")) {
            assertTrue(Files.readString(DOCKER.resolve(df)).contains("chown flink:flink /opt/flink/state"),
                    df + " must give the flink user the state volume's mount point");
        }
    }

    /**
     * Grafana's dashboard parses and asks Prometheus only for metrics the job has (as
     * docs/operations.md lists them, which MetricsTest checks against a running job); compose
     * mounts Prometheus's and Grafana's files from where they are.
     */
    @Test
    void dashboardQueriesTheJobsMetricsAndComposeMountsItsFiles() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DOCKER.resolve("grafana/sparseseg-dashboard.json").toFile());
        String documented = Files.readString(ROOT.resolve("docs/operations.md"));
        Pattern metric = Pattern.compile("flink_taskmanager_job_task_operator_sparseseg_(\\w+)");
        int queried = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher m = metric.matcher(target.get("expr").asText());
                while (m.find()) {
                    queried++;
                    assertTrue(documented.contains("`" + m.group(1) + "`"), "panel '" + panel.get("title").asText()
                            + "' queries " + m.group() + ", which docs/operations.md does not list");
                }
            }
        }
        assertTrue(queried >= 10, "the dashboard queries " + queried + " job metrics");
        String compose = Files.readString(DOCKER.resolve("compose.yaml"));
        Matcher mount = Pattern.compile("- \\./([^:\\s\"]+):").matcher(compose);
        int mounts = 0;
        while (mount.find()) {
            mounts++;
            assertTrue(Files.exists(DOCKER.resolve(mount.group(1))), "compose.yaml mounts docker/" + mount.group(1) + ", which does not exist");
        }
        assertTrue(compose.contains("\"./prometheus.yml:") && Files.isRegularFile(DOCKER.resolve("prometheus.yml")), "Prometheus's config");
        assertTrue(mounts >= 2, "compose.yaml mounts " + mounts + " of our files");
    }

    /** The lines of one service in compose.yaml, up to the next service or top-level key. */
    static String service(String compose, String name) {
        Matcher m = Pattern.compile("(?ms)^  " + Pattern.quote(name) + ":\\n(.*?)(?=^  [a-z][a-z-]*:\\n|^[a-z]|\\z)").matcher(compose);
        assertTrue(m.find(), "compose.yaml has no service " + name);
        return m.group(1);
    }

    @Test
    void composeFileIsValid() throws Exception {
        Assumptions.assumeTrue(onPath("docker-compose"), "docker-compose is not installed (apt-get install docker-compose)");
        for (List<String> profile : List.of(List.<String>of(), List.of("--profile", "gpu"))) {
            List<String> cmd = new ArrayList<>(List.of("docker-compose", "-f", DOCKER.resolve("compose.yaml").toString()));
            cmd.addAll(profile);
            cmd.addAll(List.of("config", "--services"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "docker-compose config failed:\n" + out);
            for (String service : List.of("kafka", "jobmanager", "taskmanager", "camera", "submit")) {
                assertTrue(out.lines().anyMatch(service::equals), "service " + service + " missing:\n" + out);
            }
            if (!profile.isEmpty()) {
                assertTrue(out.lines().anyMatch("taskmanager-gpu"::equals), "the gpu profile has no GPU TaskManager:\n" + out);
            }
        }
    }

    /** An ONNX Runtime jar of the build not made now (CPU images need the default build, GPU ones -Pgpu). */
    static boolean isOtherOrtBuild(String path) {
        String name = Path.of(path).getFileName().toString();
        return name.startsWith("onnxruntime") && !name.equals(ORT_BUILT);
    }

    /** Source paths of COPY instructions (multi-line, without --from copies). */
    static List<String> copySources(String dockerfile) {
        List<String> sources = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^COPY (?!--from)((?:[^\\n\\\\]|\\\\\\n)+)").matcher(dockerfile);
        while (m.find()) {
            String[] parts = m.group(1).replace("\\\n", " ").trim().split("\\s+");
            for (int i = 0; i < parts.length - 1; i++) {
                if (!parts[i].startsWith("--")) {
                    sources.add(parts[i]);
                }
            }
        }
        return sources;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
