/**
 * The {@code xbar} command line of MODEL.md section 5 ({@link io.xbar.cli.Main}); {@code io.xbar.io}
 * holds its file formats ({@code .npy}, atomic writes). Pictures ({@code io.xbar.plot}) are internal.
 */
module io.xbar.cli {
    requires io.xbar.api;
    requires io.xbar.blas;
    requires io.xbar.spice;
    requires io.xbar.validation;
    requires com.fasterxml.jackson.databind;
    requires org.jfree.jfreechart;
    requires java.desktop;
    requires jdk.net;

    exports io.xbar.cli;
    exports io.xbar.io;
}
