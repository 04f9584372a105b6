"""The one JVM of this Python process, and the crossing of arrays and errors between Python and xbar.

The JVM starts on first use (JPype), with the flags xbar needs: the Vector API module, native
access for OpenBLAS, and the heap from ``XBAR_HEAP`` (default 8g, as the ``xbar`` launcher). Its
class path is the built jars of the checkout this package sits in (``bindings/python/target``),
or ``XBAR_CLASSPATH`` (entries separated by ``:``; a directory entry ending in ``/*`` means every
jar in it).
"""

import glob
import os
import re
import sys
import threading

import numpy as np

_MODULE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # bindings/python
_ROOT = os.path.dirname(os.path.dirname(_MODULE))  # the checkout
_TARGET = os.path.join(_MODULE, "target")
_JPYPE_JAR = "/usr/share/java/org.jpype.jar"
_lock = threading.Lock()
_bridge = None
_jpype = None


_JVM_DIR = "/usr/lib/jvm"  # where Debian and the Temurin packages install JDKs


class XbarError(Exception):
    """xbar failed on valid arguments (or could not start); the message is xbar's one line."""


def _find_java():
    """The JDK 25+ home: XBAR_JAVA (a java binary), JAVA_HOME, or /usr/lib/jvm."""
    candidates = []
    if os.environ.get("XBAR_JAVA"):
        candidates.append(os.path.dirname(os.path.dirname(os.path.realpath(os.environ["XBAR_JAVA"]))))
    if os.environ.get("JAVA_HOME"):
        candidates.append(os.environ["JAVA_HOME"])
    candidates += [os.path.join(_JVM_DIR, "temurin-25-jdk-amd64")] + sorted(glob.glob(os.path.join(_JVM_DIR, "*")),
                                                                             reverse=True)
    for home in candidates:
        release = os.path.join(home, "release")
        libjvm = os.path.join(home, "lib", "server", "libjvm.so")
        try:
            with open(release, encoding="utf-8") as f:
                m = re.search(r'^JAVA_VERSION="(\d+)', f.read(), re.M)
        except OSError:
            continue
        if m and int(m.group(1)) >= 25 and os.path.isfile(libjvm):
            return libjvm
    raise XbarError("xbar needs a JDK 25 or newer: none found (set JAVA_HOME to its home, or XBAR_JAVA to its "
                    "bin/java; looked in %s)" % ", ".join(dict.fromkeys(candidates[:4])))


def _classpath():
    if os.environ.get("XBAR_CLASSPATH"):
        entries = []
        for e in os.environ["XBAR_CLASSPATH"].split(os.pathsep):
            entries += sorted(glob.glob(os.path.join(e[:-2], "*.jar"))) if e.endswith("/*") else [e]
    else:
        jars = [j for j in glob.glob(os.path.join(_TARGET, "xbar-python-*.jar")) if not j.endswith("-tests.jar")]
        if not jars:
            raise XbarError("xbar is not built in %s: run './mvnw -B -DskipTests -pl bindings/python -am package' "
                            "at the repository root (or set XBAR_CLASSPATH)" % _ROOT)
        entries = jars[:1] + sorted(glob.glob(os.path.join(_TARGET, "lib", "*.jar")))
    if os.path.isfile(_JPYPE_JAR):
        entries.append(_JPYPE_JAR)  # Debian's JPype needs its support classes on the class path
    return entries


def _heap():
    heap = os.environ.get("XBAR_HEAP", "8g")
    if not re.fullmatch(r"[1-9][0-9]*[kKmMgGtT]?", heap):
        raise XbarError("XBAR_HEAP=%r is not a heap size (use e.g. 4g or 512m)" % heap)
    return heap


def bridge():
    """The Java class io.xbar.python.Bridge, starting the JVM on first use."""
    global _bridge, _jpype
    if _bridge is not None:
        return _bridge
    with _lock:
        if _bridge is None:
            try:
                import jpype
            except ImportError as e:
                raise XbarError("xbar for Python needs JPype (Debian: apt-get install python3-jpype)") from e
            if not jpype.isJVMStarted():
                jpype.startJVM(_find_java(), "--add-modules=jdk.incubator.vector",
                               "--enable-native-access=ALL-UNNAMED", "-Xmx" + _heap(), "-Xss16m",
                               classpath=_classpath(), convertStrings=True)
            try:
                _bridge = jpype.JClass("io.xbar.python.Bridge")
            except Exception as e:  # the JVM runs, but without xbar on its class path
                raise XbarError("xbar classes not found in this JVM (%s); was the JVM started before xbar was "
                                "imported?" % e) from None
            if hasattr(_bridge, "preload"):
                _bridge.preload()  # class initialization the first solve would otherwise pay (issue 17)
            _jpype = jpype
    return _bridge


def call(fn, *args):
    """Calls into Java; a bad argument becomes ValueError, any other failure XbarError, with xbar's one-line message."""
    bridge()
    try:
        return fn(*args)
    except _jpype.JException as e:
        name = e.getClass().getName()
        message = str(e.getMessage() or name)
        if name in ("io.xbar.cli.UsageException", "java.lang.IllegalArgumentException"):
            raise ValueError(message) from None
        if name == "java.lang.OutOfMemoryError":
            raise XbarError("out of memory in the JVM of this process (raise XBAR_HEAP before importing xbar, "
                            "now %s)" % _heap()) from None
        raise XbarError("%s: %s" % (name.rsplit(".", 1)[-1], message)) from None


def flags(kwargs):
    """Keyword arguments as command-line flags: r_wl=2.5 -> --r-wl 2.5, tile=(256, 128) -> --tile 256x128."""
    switches = set(str(s) for s in bridge().switches())
    out = []
    for key, value in kwargs.items():
        name = key.replace("_", "-")
        if value is None:
            continue
        if name in switches:
            if not isinstance(value, (bool, np.bool_)):
                raise ValueError("%s is a switch: pass True or False, got %r" % (key, value))
            if value:
                out.append("--" + name)
            continue
        if isinstance(value, (bool, np.bool_)):
            text = "true" if value else "false"
        elif isinstance(value, (tuple, list)):
            text = "x".join(_scalar(key, v) for v in value)
        else:
            text = _scalar(key, value)
        out += ["--" + name, text]
    return out


def _scalar(key, v):
    if isinstance(v, (float, np.floating)):
        return repr(float(v))  # shortest text that reads back to the same double
    if isinstance(v, (int, np.integer, str)):
        return str(v)
    if isinstance(v, os.PathLike):
        return os.fspath(v)
    raise ValueError("%s: %r is not a number or a word" % (key, v))


def matrix(name, a, what):
    """A 2-D float64 C-ordered copy-free view (at most one copy), its shape, and whether the dtype was integer."""
    arr = _array(name, a)
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError("%s has shape %s; %s" % (name, tuple(arr.shape), what))
    return _doubles(arr), arr.shape, np.issubdtype(arr.dtype, np.integer)


def vectors(name, a, width, what):
    """A vector of `width` values or a B x width batch: (java double[], batch or -1 for a vector, integer dtype)."""
    arr = _array(name, a)
    if arr.ndim not in (1, 2) or arr.shape[-1] != width:
        raise ValueError("%s has shape %s; %s needs %d values per vector (%s), as a vector or a B x %d batch"
                         % (name, tuple(arr.shape), name, width, what, width))
    return _doubles(arr), (-1 if arr.ndim == 1 else arr.shape[0]), np.issubdtype(arr.dtype, np.integer)


def _array(name, a):
    # A tensor is welcome where an array is. A caller holding one has imported torch already: looking it up
    # instead of importing it keeps a plain NumPy script from paying PyTorch's import (about a second).
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(a, torch.Tensor):
        a = a.detach().cpu().numpy()
    arr = np.asarray(a)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise ValueError("%s has dtype %s; xbar takes real numbers (float or integer arrays)" % (name, arr.dtype))
    return arr


def _doubles(arr):
    import jpype
    return jpype.JArray(jpype.JDouble)(np.ascontiguousarray(arr, dtype=np.float64).ravel())


def array(java_doubles, shape):
    """A Java double[] as a NumPy float64 array of the given shape (one copy)."""
    return np.array(java_doubles, dtype=np.float64, copy=True).reshape(shape)
