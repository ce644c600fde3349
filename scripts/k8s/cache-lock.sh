# Sourced by build.sh and build-helm.sh after they set $bin, $stamp and $key: exits 0 printing
# $bin when the build of $key is cached; otherwise holds a lock for $key (fd 9) until the script
# exits, so one build per key runs at a time. scripts/test-all.sh starts the builds in the
# background early; a second caller waits here for it, then finds the stamp (or builds, if the
# first one failed).  Usage: . cache-lock.sh TAG   (TAG names the script in its messages)
built() { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; }
if built; then
  echo "$bin"
  exit 0
fi
mkdir -p "$bin"
exec 9>"$bin/.lock"
if ! flock -n 9; then
  echo "[$1] waiting for another build of $key to finish" >&2
  flock 9
fi
if built; then
  echo "$bin"
  exit 0
fi
