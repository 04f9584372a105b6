/**
 * The Java side of the Python package {@code xbar} (bindings/python/xbar): {@link io.xbar.python.Bridge}
 * is what the package calls in process through JPype.
 */
module io.xbar.python {
    requires io.xbar.cli;
    requires io.xbar.api;
    requires io.xbar.spice;
    requires com.fasterxml.jackson.databind;

    exports io.xbar.python;
}
