package dev.sparseseg.models.runtime;

import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The refiner's reused direct buffers grow with headroom and give back what one huge frame took. */
class DirectBufferTest {
    private static final int MB = 1 << 20;

    @Test
    void growsWithHeadroomAndIsReusedBelowItsCapacity() {
        DirectBuffer b = new DirectBuffer();
        var first = b.get(1000);
        assertEquals(1000, b.capacity());
        assertEquals(ByteOrder.nativeOrder(), first.order());
        b.get(1100);
        assertEquals(1500, b.capacity(), "half again over the old capacity");
        var again = b.get(1400);
        assertSame(again, b.get(1200), "no reallocation within the capacity");
        assertEquals(0, again.position());
    }

    @Test
    void aLargeBufferShrinksAfterARunOfSmallFramesOnly() {
        DirectBuffer b = new DirectBuffer();
        b.get(200 * MB);
        for (int i = 1; i < DirectBuffer.SHRINK_AFTER; i++) {
            b.get(10 * MB);
        }
        assertEquals(200 * MB, b.capacity(), "still large before the run is long enough");
        b.get(100 * MB);
        for (int i = 1; i < DirectBuffer.SHRINK_AFTER; i++) {
            b.get(10 * MB);
        }
        assertEquals(200 * MB, b.capacity(), "a frame over a quarter of it starts the run again");
        b.get(10 * MB);
        assertEquals(15 * MB, b.capacity(), "given back after " + DirectBuffer.SHRINK_AFTER + " small frames in a row");

        DirectBuffer small = new DirectBuffer();
        small.get(8 * MB);
        for (int i = 0; i < 2 * DirectBuffer.SHRINK_AFTER; i++) {
            small.get(1000);
        }
        assertTrue(small.capacity() == 8 * MB, "buffers under " + DirectBuffer.SHRINK_ABOVE_BYTES + " bytes stay");
    }
}
