// OpenBlas: zero-copy typed calls into OpenBLAS/LAPACKE (JavaCPP ships and loads the library, FFM calls it).
package io.xbar.blas;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import org.bytedeco.javacpp.Loader;

/**
 * The native BLAS/LAPACK library. JavaCPP's presets carry the OpenBLAS binary (with LAPACK and
 * LAPACKE) and unpack it; the calls themselves are FFM downcalls marked {@code critical}, so the
 * Java {@code double[]} operands are passed to the library in place, never copied.
 *
 * <p>All matrices are row-major unless a method says otherwise; offsets index into the arrays.
 * Entry points check nothing beyond what they must to avoid memory faults (bounds of the touched
 * region); callers ({@link Blas}, {@link Lapack}) hold the typed API.
 */
final class OpenBlas {
    static final int ROW_MAJOR = 101;
    static final int COL_MAJOR = 102;
    static final int NO_TRANS = 111;
    static final int TRANS = 112;
    static final int UPPER = 121;
    static final int LOWER = 122;
    static final int NON_UNIT = 131;
    static final int UNIT = 132;
    static final int LEFT = 141;
    static final int RIGHT = 142;

    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfByte C = ValueLayout.JAVA_BYTE;
    private static final java.lang.foreign.AddressLayout P = ValueLayout.ADDRESS;

    static final MethodHandle DGEMM;
    static final MethodHandle DGEMV;
    static final MethodHandle DSYRK;
    static final MethodHandle DTRSM;
    static final MethodHandle DPOTRF;
    static final MethodHandle DPOTRS;
    static final MethodHandle DPOTRI;
    static final MethodHandle DPOSV;
    static final MethodHandle DPBSV;
    static final MethodHandle DPBTRF;
    static final MethodHandle DPBTRS;
    static final MethodHandle DGESV;
    static final MethodHandle DGETRF;
    static final MethodHandle DGETRS;
    static final MethodHandle DGTSV;
    static final MethodHandle SET_THREADS;
    static final MethodHandle GET_THREADS;
    static final MethodHandle GET_CONFIG;
    static final String LIBRARY_PATH;

    static {
        Path lib = locateLibrary();
        LIBRARY_PATH = lib.toString();
        SymbolLookup lookup = SymbolLookup.libraryLookup(lib, Arena.global());
        Linker linker = Linker.nativeLinker();
        Linker.Option critical = Linker.Option.critical(true);
        DGEMM = handle(linker, lookup, "cblas_dgemm", critical, FunctionDescriptor.ofVoid(
                I, I, I, I, I, I, D, P, I, P, I, D, P, I));
        DGEMV = handle(linker, lookup, "cblas_dgemv", critical, FunctionDescriptor.ofVoid(
                I, I, I, I, D, P, I, P, I, D, P, I));
        DSYRK = handle(linker, lookup, "cblas_dsyrk", critical, FunctionDescriptor.ofVoid(
                I, I, I, I, I, D, P, I, D, P, I));
        DTRSM = handle(linker, lookup, "cblas_dtrsm", critical, FunctionDescriptor.ofVoid(
                I, I, I, I, I, I, I, D, P, I, P, I));
        DPOTRF = handle(linker, lookup, "LAPACKE_dpotrf", critical, FunctionDescriptor.of(
                I, I, C, I, P, I));
        DPOTRI = handle(linker, lookup, "LAPACKE_dpotri", critical, FunctionDescriptor.of(
                I, I, C, I, P, I));
        DPOTRS = handle(linker, lookup, "LAPACKE_dpotrs", critical, FunctionDescriptor.of(
                I, I, C, I, I, P, I, P, I));
        DPOSV = handle(linker, lookup, "LAPACKE_dposv", critical, FunctionDescriptor.of(
                I, I, C, I, I, P, I, P, I));
        DPBSV = handle(linker, lookup, "LAPACKE_dpbsv", critical, FunctionDescriptor.of(
                I, I, C, I, I, I, P, I, P, I));
        DPBTRF = handle(linker, lookup, "LAPACKE_dpbtrf", critical, FunctionDescriptor.of(
                I, I, C, I, I, P, I));
        DPBTRS = handle(linker, lookup, "LAPACKE_dpbtrs", critical, FunctionDescriptor.of(
                I, I, C, I, I, I, P, I, P, I));
        DGESV = handle(linker, lookup, "LAPACKE_dgesv", critical, FunctionDescriptor.of(
                I, I, I, I, P, I, P, P, I));
        DGETRF = handle(linker, lookup, "LAPACKE_dgetrf", critical, FunctionDescriptor.of(
                I, I, I, I, P, I, P));
        DGETRS = handle(linker, lookup, "LAPACKE_dgetrs", critical, FunctionDescriptor.of(
                I, I, C, I, I, P, I, P, P, I));
        DGTSV = handle(linker, lookup, "LAPACKE_dgtsv", critical, FunctionDescriptor.of(
                I, I, I, I, P, P, P, P, I));
        SET_THREADS = handle(linker, lookup, "openblas_set_num_threads", null, FunctionDescriptor.ofVoid(I));
        GET_THREADS = handle(linker, lookup, "openblas_get_num_threads", null, FunctionDescriptor.of(I));
        GET_CONFIG = handle(linker, lookup, "openblas_get_config", null, FunctionDescriptor.of(P));
    }

    private OpenBlas() {
    }

    private static MethodHandle handle(Linker linker, SymbolLookup lookup, String name,
                                       Linker.Option option, FunctionDescriptor descriptor) {
        MemorySegment symbol = lookup.find(name).orElseThrow(
                () -> new NativeLibraryException("OpenBLAS symbol not found: " + name + " in " + LIBRARY_PATH));
        return option == null ? linker.downcallHandle(symbol, descriptor)
                : linker.downcallHandle(symbol, descriptor, option);
    }

    /** Lets JavaCPP unpack and load the OpenBLAS preset, then finds the real libopenblas beside it. */
    private static Path locateLibrary() {
        try {
            String jni = Loader.load(org.bytedeco.openblas.global.openblas_nolapack.class);
            Loader.load(org.bytedeco.openblas.global.openblas.class);
            Path dir = Path.of(jni).getParent();
            Optional<Path> found = findOpenBlas(dir);
            Path cache = Loader.getCacheDir().toPath();
            if (found.isEmpty()) {
                found = findOpenBlas(cache);
            }
            return found.orElseThrow(() -> new NativeLibraryException(
                    "libopenblas not found next to " + jni + " nor in the JavaCPP cache " + cache));
        } catch (NativeLibraryException e) {
            throw e;
        } catch (Throwable e) {
            throw new NativeLibraryException("cannot load OpenBLAS through JavaCPP: " + e, e);
        }
    }

    private static Optional<Path> findOpenBlas(Path dir) throws java.io.IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(dir, 6)) {
            return files.filter(p -> p.getFileName().toString().startsWith("libopenblas.so"))
                    .filter(Files::isRegularFile)
                    .findFirst();
        }
    }

    static MemorySegment of(double[] a) {
        return MemorySegment.ofArray(a);
    }

    static MemorySegment at(double[] a, int offset) {
        return MemorySegment.ofArray(a).asSlice((long) offset * Double.BYTES);
    }

    static MemorySegment at(int[] a, int offset) {
        return MemorySegment.ofArray(a).asSlice((long) offset * Integer.BYTES);
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new NativeLibraryException("native call failed: " + t, t);
    }
}
