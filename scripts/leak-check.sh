#!/usr/bin/env bash
# Lists whatever lab resources remain on this host (cgroups, mounts, network namespaces,
# interfaces, processes named contlab). Exit 1 if there is any. Read-only.
set -u
# A lab's last processes may still be exiting when the suite ends (a supervisor that has
# just run its cleanup is a zombie until init reaps it): look again for a few seconds
# before calling anything left behind.
for _ in 1 2 3 4 5 6 7 8 9 10; do
  ps -eo args 2>/dev/null | grep -i contlab | grep -qvE 'grep|leak-check|scripts/test.sh|jest' || break
  sleep 0.5
done
found=0
report() {
  [ -n "$2" ] || return 0
  printf 'left behind: %s\n%s\n' "$1" "$2"
  found=1
}
report cgroups "$(find /sys/fs/cgroup -maxdepth 4 -type d -iname '*contlab*' 2>/dev/null)"
report mounts "$(grep -i contlab /proc/self/mountinfo 2>/dev/null | awk '{print $5}')"
report "network namespaces" "$(ip netns list 2>/dev/null | grep -i contlab)"
report interfaces "$(ip -o link show 2>/dev/null | grep -i contlab | awk -F': ' '{print $2}')"
report processes "$(ps -eo pid,args 2>/dev/null | grep -i contlab | grep -vE 'grep|leak-check|scripts/test.sh|jest' )"
[ "$found" = 0 ] && echo "nothing left behind"
exit "$found"
