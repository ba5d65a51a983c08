package dev.sparseseg.models;

import dev.sparseseg.models.refine.NeighbourTable;
import dev.sparseseg.models.select.Selection;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class NeighbourTableTest {
    @Test
    void neighboursIndexTheSelectionAndMissingOnesPointAtTheZeroRow() {
        // 3x3 frame, selected: (0,0)=0, (1,0)=1, (1,1)=4  -> rows 0, 1, 2; N = 3
        Selection sel = new Selection(new int[] {0, 1, 4}, 3, 9);
        NeighbourTable t = new NeighbourTable();
        long[] table = t.build(sel, 3, 3);
        long n = 3;
        assertArrayEquals(new long[] {n, n, n, n, 0, 1, n, n, 2}, java.util.Arrays.copyOfRange(table, 0, 9));
        assertArrayEquals(new long[] {n, n, n, 0, 1, n, n, 2, n}, java.util.Arrays.copyOfRange(table, 9, 18));
        assertArrayEquals(new long[] {0, 1, n, n, 2, n, n, n, n}, java.util.Arrays.copyOfRange(table, 18, 27));
        // Reused: a second call on another selection must not see the first one's pixels.
        long[] again = t.build(new Selection(new int[] {8}, 1, 9), 3, 3);
        assertArrayEquals(new long[] {1, 1, 1, 1, 0, 1, 1, 1, 1}, again);
    }
}
