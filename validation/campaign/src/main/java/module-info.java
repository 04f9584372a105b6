/** The validation campaign: kernel, transfer matrices and the netlist solver against the reference, and ngspice. */
module io.xbar.validation {
    requires transitive io.xbar.reference;
    requires transitive io.xbar.spice;
    requires io.xbar.blas;

    exports io.xbar.validation;
}
