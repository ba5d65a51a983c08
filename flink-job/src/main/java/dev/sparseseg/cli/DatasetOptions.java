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

    /** Opens the split, checking its layout. */
    public DatasetSplit open() {
        return new DatasetSplit(data != null ? data : DatasetSplit.defaultCamVid(), split);
    }
}
