package dev.sparseseg.connectors.video;

import java.util.regex.Pattern;

/** Camera URLs as logs and exceptions may show them: without the user name and password. */
public final class CameraUrls {
    /** The user info of an rtsp:// or rtsps:// URL (RFC 3986 percent-encodes any '/' or '@' in it). */
    private static final Pattern USER_INFO = Pattern.compile("(?i)(rtsps?://)[^\\s/@'\"]+@");

    private CameraUrls() {
    }

    /** {@code text} with the credentials of every camera URL in it replaced by {@code ***}. */
    public static String redact(String text) {
        return text == null ? null : USER_INFO.matcher(text).replaceAll("$1***@");
    }
}
