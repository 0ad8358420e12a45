#!/usr/bin/env bash
# Install the OOXML validator used by validate_xlsx.sh into $OOXML_HOME (default: .tool next to this file).
# Needs: python3 (3.10-3.13) with venv; Debian: apt-get install python3 python3-venv ca-certificates. Network: PyPI only.
# What it installs:
#   - a Python venv with pythonnet 3.2.1 (+clr_loader, cffi), lxml, olefile
#   - Microsoft's Open XML SDK 3.5.1 (DocumentFormat.OpenXml*.dll) and a self-contained .NET 10.0.13 runtime,
#     both taken from the PyPI wheel python-redlines-docxodus==2.0.0 (MIT; it ships them for its own engine),
#     rearranged as a minimal "dotnet root" so that hostfxr/pythonnet can load the runtime.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OOXML_HOME="${OOXML_HOME:-$HERE/.tool}"; mkdir -p "$OOXML_HOME"; OOXML_HOME="$(cd "$OOXML_HOME" && pwd)"
PY="${PYTHON:-python3}"
WHEEL_SPEC="python-redlines-docxodus==2.0.0"
mkdir -p "$OOXML_HOME"
cd "$OOXML_HOME"
if [ ! -x venv/bin/python ]; then "$PY" -m venv venv; fi
venv/bin/python -m pip install --quiet --disable-pip-version-check "pythonnet==3.2.1" \
    "clr_loader==0.3.1" "cffi==2.1.1" "lxml==6.1.3" "olefile==0.47"
if [ ! -f sdk/DocumentFormat.OpenXml.dll ]; then
  rm -rf dl sdk && mkdir -p dl sdk
  venv/bin/python -m pip download --quiet --disable-pip-version-check --no-deps "$WHEEL_SPEC" \
      --only-binary=:all: --platform manylinux2014_x86_64 -d dl
  venv/bin/python - <<'PY'
import glob, io, tarfile, zipfile
whl = glob.glob("dl/python_redlines_docxodus-*.whl")[0]
data = zipfile.ZipFile(whl).read("python_redlines_docxodus/_binaries/linux-x64.tar.gz")
tarfile.open(fileobj=io.BytesIO(data), mode="r:gz").extractall("sdk")
PY
  rm -rf dl
fi
# Minimal dotnet root: host/fxr/<v>/libhostfxr.so + shared/Microsoft.NETCore.App/<v>/{runtime files, deps.json}
V=$(venv/bin/python - <<'PY'
import json; d=json.load(open("sdk/redline.runtimeconfig.json"))
print(d["runtimeOptions"]["includedFrameworks"][0]["version"])
PY
)
rm -rf dotnet && mkdir -p "dotnet/host/fxr/$V" "dotnet/shared/Microsoft.NETCore.App/$V"
cp sdk/libhostfxr.so "dotnet/host/fxr/$V/"
for f in sdk/*; do
  n=$(basename "$f")
  case "$n" in Docxodus*|redline*|DocumentFormat*|SkiaSharp.dll|libSkiaSharp.so|libhostfxr.so) ;;
    *) ln -s "$OOXML_HOME/$f" "dotnet/shared/Microsoft.NETCore.App/$V/$n" ;; esac
done
venv/bin/python - "$V" <<'PY'
import json, sys
v = sys.argv[1]
d = json.load(open("sdk/redline.deps.json"))
tn = d["runtimeTarget"]["name"]
key = next(k for k in d["targets"][tn] if k.startswith("runtimepack.Microsoft.NETCore.App.Runtime"))
name = key.split("runtimepack.", 1)[1]
deps = {"runtimeTarget": d["runtimeTarget"], "compilationOptions": {},
        "targets": {tn.split("/")[0]: {}, tn: {name: d["targets"][tn][key]}},
        "libraries": {name: {"type": "project", "serviceable": False, "sha512": ""}}}
json.dump(deps, open(f"dotnet/shared/Microsoft.NETCore.App/{v}/Microsoft.NETCore.App.deps.json", "w"))
json.dump({"runtimeOptions": {"tfm": "net%s.0" % v.split(".")[0],
                              "framework": {"name": "Microsoft.NETCore.App", "version": v},
                              "configProperties": {"System.Globalization.Invariant": True}}},
          open("sdk.runtimeconfig.json", "w"))
PY
echo "installed in $OOXML_HOME (.NET runtime $V)"
