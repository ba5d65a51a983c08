package dev.sparseseg.models.image;

import com.sun.jna.Native;

/** Binds a class's native methods to an optional system library through JNA (direct mapping). */
final class NativeLibrary {
    private NativeLibrary() {
    }

    /**
     * Registers {@code bound}'s native methods with the system library {@code name}; false, with
     * {@code withoutIt} logged, where the library is missing, or where the system property
     * {@code sparseseg.no-libNAME} is true (to measure or test the fallback).
     */
    static boolean register(Class<?> bound, String name, String withoutIt) {
        if (Boolean.getBoolean("sparseseg.no-lib" + name)) {
            return false;
        }
        try {
            Native.register(bound, name);
            return true;
        } catch (LinkageError | RuntimeException e) {
            System.getLogger(bound.getName()).log(System.Logger.Level.INFO, "lib{0} not loaded ({1}); {2}", name,
                    e.getMessage(), withoutIt);
            return false;
        }
    }
}
