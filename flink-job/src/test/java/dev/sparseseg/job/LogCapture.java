package dev.sparseseg.job;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Everything Flink and Kafka log at INFO and above while it is open (the console keeps showing
 * warnings only), with the stack traces of logged exceptions: for checks that secrets never reach a log.
 */
final class LogCapture implements AutoCloseable {
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final LoggerConfig root;
    private final Level previousLevel;
    private final Appender console;
    private final Appender capture;

    LogCapture() {
        Configuration config = context.getConfiguration();
        root = config.getRootLogger();
        previousLevel = root.getLevel();
        console = config.getAppender("console");
        capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder(event.getLoggerName()).append(": ")
                        .append(event.getMessage().getFormattedMessage());
                if (event.getThrown() != null) {
                    StringWriter trace = new StringWriter();
                    event.getThrown().printStackTrace(new PrintWriter(trace));
                    line.append('\n').append(trace);
                }
                lines.add(line.toString());
            }
        };
        capture.start();
        if (console != null) {
            root.removeAppender(console.getName());
            root.addAppender(console, Level.WARN, null);
        }
        root.addAppender(capture, Level.ALL, null);
        root.setLevel(Level.INFO);
        context.updateLoggers();
    }

    /** The lines logged so far, one string. */
    String text() {
        return String.join("\n", lines);
    }

    int lineCount() {
        return lines.size();
    }

    @Override
    public void close() {
        root.removeAppender(capture.getName());
        if (console != null) {
            root.removeAppender(console.getName());
            root.addAppender(console, null, null);
        }
        root.setLevel(previousLevel);
        context.updateLoggers();
        capture.stop();
    }
}
