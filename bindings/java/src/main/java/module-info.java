/** The documented Java API of xbar: {@link io.xbar.api.Xbar} and what it returns. */
module io.xbar.api {
    requires transitive io.xbar.kernel;

    exports io.xbar.api;
}
