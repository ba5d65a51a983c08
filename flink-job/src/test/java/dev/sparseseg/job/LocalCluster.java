package dev.sparseseg.job;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The standalone Flink session cluster of {@code ./sparseseg cluster} (flink-job/cluster.sh),
 * driven from a test: JobManager and TaskManager processes on free ports, submission with
 * Flink's CLI front end, job state from the REST API.
 */
final class LocalCluster implements AutoCloseable {
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");

    private final Path project;
    private final Path dir;
    private final int restPort;
    private final int rpcPort;
    private final HttpClient http = HttpClient.newHttpClient();

    private LocalCluster(Path project, Path dir, int restPort, int rpcPort) {
        this.project = project;
        this.dir = dir;
        this.restPort = restPort;
        this.rpcPort = rpcPort;
    }

    /** Starts a cluster whose TaskManager (4 slots) declares 4 GPUs: Flink gives each default slot an equal share. */
    static LocalCluster start(Path dir) throws Exception {
        Path project = Path.of(System.getProperty("sparseseg.project", "..")).toAbsolutePath().normalize();
        LocalCluster c = new LocalCluster(project, dir, freePort(), freePort());
        c.script(180, "start");
        return c;
    }

    Path taskManagerLog() {
        return dir.resolve("log/taskmanager-1.log");
    }

    /** The process id of TaskManager {@code n} (1 = the one {@code start} started) now; -1 while it has none. */
    long taskManagerPid(int n) throws IOException {
        Path f = dir.resolve("taskmanager-" + n + ".pid");
        try {
            String pid = Files.readString(f).trim();
            // Empty while the supervisor rewrites it for a restarted TaskManager.
            return pid.isEmpty() ? -1 : Long.parseLong(pid);
        } catch (java.nio.file.NoSuchFileException e) {
            return -1;
        }
    }

    /** {@code kill -9} TaskManager {@code n}'s JVM: no shutdown hook, no goodbye to the JobManager. */
    void killTaskManager(int n) throws Exception {
        long pid = taskManagerPid(n);
        // kill -9 -1 would signal every process of this user.
        assertTrue(pid > 0, "TaskManager " + n + " has no process id");
        Process p = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        assertEquals(0, p.waitFor(), "kill -9 " + pid);
    }

    /** TaskManagers registered with the JobManager now (a killed one counts until it times out). */
    int registeredTaskManagers() throws Exception {
        Matcher m = Pattern.compile("\"taskmanagers\":(\\d+)").matcher(get("/overview"));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** GET of the REST API, e.g. {@code /jobs/ID/exceptions}. */
    String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + restPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** {@code ./sparseseg cluster stop-job ID}: savepoint, then stop; returns the savepoint's path it printed. */
    String stopJob(String jobId) throws Exception {
        String out = script(300, "stop-job", jobId);
        Matcher m = Pattern.compile("(?m)^savepoint: (\\S+)$").matcher(out);
        if (!m.find()) {
            fail("no savepoint path in stop-job's output:\n" + out);
        }
        return m.group(1);
    }

    /** {@code ./sparseseg cluster add-taskmanager}. */
    String addTaskManager() throws Exception {
        return script(180, "add-taskmanager");
    }

    /** {@code ./sparseseg cluster status}. */
    String status() throws Exception {
        return script(60, "status");
    }

    Path dir() {
        return dir;
    }

    /** {@code ./sparseseg submit ARGS}: returns the job id Flink's client printed. */
    String submit(String... runArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("submit"));
        args.addAll(List.of(runArgs));
        String out = script(120, args.toArray(new String[0]));
        Matcher m = JOB_ID.matcher(out);
        if (!m.find()) {
            fail("no job id in the client's output:\n" + out);
        }
        return m.group(1);
    }

    void cancel(String jobId) throws Exception {
        script(120, "cancel", jobId);
        awaitState(jobId, "CANCELED", 60);
    }

    String state(String jobId) throws Exception {
        String body = get("/jobs/" + jobId);
        Matcher m = Pattern.compile("\"state\":\"([A-Z_]+)\"").matcher(body);
        return m.find() ? m.group(1) : "UNKNOWN (" + body + ")";
    }

    void awaitState(String jobId, String state, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String s;
        while (!(s = state(jobId)).equals(state)) {
            if (System.nanoTime() > deadline) {
                fail("job " + jobId + " is " + s + ", not " + state + " after " + seconds + " s");
            }
            Thread.sleep(300);
        }
    }

    private String script(long seconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(project.resolve("flink-job/cluster.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARSESEG_CLUSTER_DIR", dir.toString());
        pb.environment().put("SPARSESEG_REST_PORT", Integer.toString(restPort));
        pb.environment().put("SPARSESEG_RPC_PORT", Integer.toString(rpcPort));
        pb.environment().put("SPARSESEG_TM_SLOTS", "4");
        pb.environment().put("SPARSESEG_TM_MEMORY", "3072m");
        pb.environment().put("SPARSESEG_TM_GPUS", "4");
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("cluster.sh " + String.join(" ", args) + " did not finish in " + seconds + " s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "cluster.sh " + String.join(" ", args) + " failed:\n" + out);
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        script(90, "stop");
    }
}
