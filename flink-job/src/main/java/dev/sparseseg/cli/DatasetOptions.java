package dev.sparseseg.cli;

import dev.sparseseg.models.eval.DatasetSplit;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Dataset options shared by commands that read a labelled split in CamVid's layout. */
public final class DatasetOptions {
    @Option(names = "--data", paramLabel = "DIR", description = "Dataset in CamVid's layout (default: ../shared/datasets/camvid).")
    Path data;

    @Option(names = "--split", defaultValue = "val", description = "Split to read (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--sequence", paramLabel = "SEQ", description = "Only the split's frames of this CamVid sequence "
            + "(names SEQ_*, e.g. 0006R0): one held out of training (default: all).")
    String sequence;

    /** Opens the split, checking its layout. */
    public DatasetSplit open() {
        DatasetSplit ds = new DatasetSplit(data != null ? data : DatasetSplit.defaultCamVid(), split);
        return sequence == null ? ds : ds.sequence(sequence);
    }
}
