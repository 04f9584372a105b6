/** SPICE netlists: ngspice-ready export of crossbars and a parser and sparse solver for linear DC netlists. */
module io.xbar.spice {
    requires transitive io.xbar.kernel;
    requires io.xbar.blas;
    requires csparsej;
    requires com.fasterxml.jackson.core;

    exports io.xbar.spice;
}
