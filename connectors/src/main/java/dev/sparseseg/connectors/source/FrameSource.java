package dev.sparseseg.connectors.source;

import dev.sparseseg.connectors.frame.FrameDecoder;
import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.uri.SourceUri;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Cameras (rtsp://), video files (file:) and image folders (dir:) as one FLIP-27 source,
 * one split per stream. Bounded when every stream is a file or folder.
 *
 * <pre>{@code
 * FrameSource src = FrameSource.builder().add("rtsp://cam1/live#id=gate").add("dir:camvid/val").build();
 * env.fromSource(src, WatermarkStrategy.noWatermarks(), "frames");
 * }</pre>
 */
public final class FrameSource implements Source<FrameRecord, FrameSplit, List<FrameSplit>>, ResultTypeQueryable<FrameRecord> {
    private final List<String> uris;
    private final FrameDecoder decoder;
    private final Boundedness boundedness;

    private FrameSource(List<String> uris, FrameDecoder decoder) {
        this.uris = List.copyOf(uris);
        this.decoder = decoder;
        boolean live = uris.stream().anyMatch(u -> SourceUri.parse(u).kind() == SourceUri.Kind.RTSP);
        this.boundedness = live ? Boundedness.CONTINUOUS_UNBOUNDED : Boundedness.BOUNDED;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Boundedness getBoundedness() {
        return boundedness;
    }

    @Override
    public SourceReader<FrameRecord, FrameSplit> createReader(SourceReaderContext context) {
        return new FrameSourceReader(context, decoder);
    }

    @Override
    public SplitEnumerator<FrameSplit, List<FrameSplit>> createEnumerator(SplitEnumeratorContext<FrameSplit> context) {
        return new FrameSplitEnumerator(context, uris.stream().map(u -> new FrameSplit(u, 0)).toList());
    }

    @Override
    public SplitEnumerator<FrameSplit, List<FrameSplit>> restoreEnumerator(SplitEnumeratorContext<FrameSplit> context,
                                                                           List<FrameSplit> checkpoint) {
        return new FrameSplitEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<FrameSplit> getSplitSerializer() {
        return new FrameSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<List<FrameSplit>> getEnumeratorCheckpointSerializer() {
        return new FrameSplitSerializer.Pending();
    }

    @Override
    public TypeInformation<FrameRecord> getProducedType() {
        return TypeInformation.of(FrameRecord.class);
    }

    public static final class Builder {
        private final List<String> uris = new ArrayList<>();
        private FrameDecoder decoder = FrameDecoder.NONE;

        /** Decodes encoded frames (folders) in the fetcher thread; default: leave them encoded. */
        public Builder decoder(FrameDecoder d) {
            this.decoder = d;
            return this;
        }

        /** Adds a stream: {@code rtsp://...}, {@code file:VIDEO} or {@code dir:FOLDER}, options after '#'. */
        public Builder add(String uri) {
            SourceUri src = SourceUri.parse(uri);
            if (src.kind() == SourceUri.Kind.KAFKA) {
                throw new IllegalArgumentException(uri + " is a Kafka topic: read it with the Kafka source");
            }
            uris.add(uri);
            return this;
        }

        public FrameSource build() {
            if (uris.isEmpty()) {
                throw new IllegalArgumentException("a frame source needs at least one stream");
            }
            Set<String> ids = new HashSet<>();
            for (String u : uris) {
                String id = SourceUri.parse(u).streamId();
                if (!ids.add(id)) {
                    throw new IllegalArgumentException("two sources have the stream id '" + id
                            + "'; give one another id with #id=NAME");
                }
            }
            return new FrameSource(uris, decoder);
        }
    }
}
