#!/usr/bin/env bash
# build.sh: compiles every *.c here into libxbarmg.so, the compiled twin of the multigrid solve (issue 17).
#
#   bash build.sh OUTPUT_DIR OBJECT_DIR [JAVA_HOME]
#
# kernel/pom.xml runs it at process-classes on linux-x86_64, with OUTPUT_DIR inside target/classes so
# the library ships inside the kernel jar. Without gcc (or without jni.h, or with a gcc too old for
# x86-64-v3) it warns and builds nothing: io.xbar.kernel.NativeMultigrid then reports the library
# missing and the Java solver answers every call. A compile error in the sources fails the build.
set -euo pipefail

out_dir=${1:?usage: build.sh OUTPUT_DIR OBJECT_DIR [JAVA_HOME]}
obj_dir=${2:?usage: build.sh OUTPUT_DIR OBJECT_DIR [JAVA_HOME]}
java_home=${3:-}
src_dir=$(cd "$(dirname "$0")" && pwd)
lib="$out_dir/libxbarmg.so"
cc=${CC:-gcc}

warn() { echo "[WARNING] xbar native multigrid: $* The Java solver answers every call (slower first calls)." >&2; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) warn "not built on $(uname -s)-$(uname -m) (linux-x86_64 only)."; exit 0 ;;
esac
if ! command -v "$cc" >/dev/null 2>&1; then
  warn "$cc not found, libxbarmg.so not built (Debian: apt-get install gcc libc6-dev)."
  exit 0
fi
if ! "$cc" -march=x86-64-v4 -x c -fsyntax-only - </dev/null >/dev/null 2>&1; then
  warn "$cc does not know -march=x86-64-v4 (gcc 11 or later needed), libxbarmg.so not built."
  exit 0
fi

# JNI headers: the JDK Maven runs on, then JAVA_HOME, then any installed JDK. jni.h is stable across
# JDK versions, and the glue uses nothing newer than JNI 1.6.
jni_include=
for home in "$java_home" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  if [ -n "$home" ] && [ -f "$home/include/jni.h" ] && [ -f "$home/include/linux/jni_md.h" ]; then
    jni_include=$home/include
    break
  fi
done
if [ -z "$jni_include" ]; then
  warn "no jni.h found (a JDK, not a JRE, is needed), libxbarmg.so not built."
  exit 0
fi

glue=$src_dir/xbar_jni.c
core=()
for f in "$src_dir"/*.c; do
  [ "$f" = "$glue" ] || core+=("$f")
done
if [ ! -f "$glue" ] || [ ${#core[@]} -eq 0 ]; then
  warn "no core sources next to xbar_jni.c in $src_dir, libxbarmg.so not built."
  exit 0
fi

# libxbarmg.so.sha256: "<sha-256 hex> <size>", so that NativeMultigrid finds the library it extracted from
# the jar earlier without reading and hashing it again.
write_digest() {
  local digest=$lib.sha256 tmp_digest
  tmp_digest=$(mktemp "$out_dir/.libxbarmg.so.sha256.XXXXXX")
  echo "$(sha256sum "$lib" | cut -c1-64) $(stat -c %s "$lib")" >"$tmp_digest"
  chmod 644 "$tmp_digest"
  mv -f "$tmp_digest" "$digest"
}

# Up to date: nothing here is newer than the library.
if [ -f "$lib" ] && [ -z "$(find "$src_dir" -newer "$lib" -print -quit)" ]; then
  [ -f "$lib.sha256" ] && [ "$lib.sha256" -nt "$lib" ] || write_digest
  exit 0
fi

mkdir -p "$out_dir" "$obj_dir"
common=(-std=c11 -fPIC -fvisibility=hidden -Wall -Wextra -Werror=implicit-function-declaration
        -ffp-contract=off -fno-fast-math -I"$src_dir")
# The core: bit identity with the Java kernel needs IEEE rounding of every operation, so no fast-math
# and no contraction into fused multiply-adds; where Java calls Math.fma the C code calls fma().
# Built twice, for x86-64-v3 (AVX2, FMA) and x86-64-v4 (AVX-512, about 25% faster where the CPU has
# it): the same operations, so the same bits; xbar_jni.c calls the widest the CPU runs.
core_flags=(-O3)
variants=(v3 v4)
# The glue stays baseline x86-64: it runs before anything checks the CPU for AVX2 and FMA.
glue_flags=(-O2 -I"$jni_include" -I"$jni_include/linux")

objects=()
for f in "${core[@]}"; do
  for v in "${variants[@]}"; do
    o=$obj_dir/$(basename "${f%.c}")_$v.o
    "$cc" "${common[@]}" "${core_flags[@]}" -march=x86-64-$v -DXBAR_MG_SUFFIX=_$v -c "$f" -o "$o"
    objects+=("$o")
  done
done
"$cc" "${common[@]}" "${glue_flags[@]}" -c "$glue" -o "$obj_dir/xbar_jni.o"
objects+=("$obj_dir/xbar_jni.o")

# -z defs: an undefined symbol fails here instead of at the first call in a JVM. The library is
# written to a temporary name and renamed, so no half-written library is ever packaged.
tmp=$(mktemp "$out_dir/.libxbarmg.so.XXXXXX")
trap 'rm -f "$tmp"' EXIT
"$cc" -shared -Wl,-z,defs -Wl,-z,noexecstack -Wl,-O1 -Wl,--as-needed -o "$tmp" "${objects[@]}" -lm
chmod 644 "$tmp"
mv -f "$tmp" "$lib"
trap - EXIT
write_digest
echo "[INFO] xbar native multigrid: built $lib" >&2
