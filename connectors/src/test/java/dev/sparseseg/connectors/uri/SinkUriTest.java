package dev.sparseseg.connectors.uri;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SinkUriTest {

    @Test
    void kafkaSinkTakesOverlayAndMaskTopicsInEitherOrder() {
        SinkUri plain = SinkUri.parse("kafka://127.0.0.1:9092/segments");
        assertNull(plain.overlayTopic());
        assertNull(plain.maskTopic());
        assertFalse(plain.wantsOverlays());
        assertFalse(plain.wantsMasks());

        SinkUri both = SinkUri.parse("kafka://127.0.0.1:9092/segments#overlays=segments-overlay&masks=segments-mask");
        assertEquals("segments", both.kafka().topic());
        assertEquals("segments-overlay", both.overlayTopic());
        assertEquals("segments-mask", both.maskTopic());
        assertTrue(both.wantsOverlays());
        assertTrue(both.wantsMasks());

        SinkUri masksOnly = SinkUri.parse("kafka://127.0.0.1:9092/segments#masks=m");
        assertEquals("m", masksOnly.maskTopic());
        assertFalse(masksOnly.wantsOverlays());
        assertEquals(masksOnly.maskTopic(), SinkUri.parse("kafka://h:1/segments#masks=x&overlays=m").overlayTopic());
    }

    @Test
    void badOptionsAreRefusedNamingTheValue() {
        assertMessage("kafka://h:1/s#mask=m", "unknown option 'mask' (overlays, masks)");
        assertMessage("kafka://h:1/s#masks=", "masks= names no topic");
        assertMessage("kafka://h:1/s#overlays", "option 'overlays' is not KEY=VALUE");
        assertMessage("kafka://h:1/s#overlays=o&", "option '' is not KEY=VALUE");
        assertMessage("kafka://h:1/s#masks=s", "masks=s is already the topic of other records");
        assertMessage("kafka://h:1/s#overlays=o&masks=o", "masks=o is already the topic of other records");
        assertMessage("kafka://h:1/s#masks=a&masks=b", "option 'masks' given twice");
        assertMessage("dir:out#masks=m", "sink 'dir:out#masks=m' takes no options");
    }

    private static void assertMessage(String uri, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SinkUri.parse(uri));
        assertTrue(e.getMessage().contains(expected), "'" + uri + "': " + e.getMessage());
    }
}
