#!/bin/sh
# contlab VM, stage 2: PID 1 on the overlay of the host's root filesystem (see stage1.sh).
# It mounts what a lab needs on a pure cgroup v2 kernel, runs the one job it was given with
# its output on the virtio ports the host reads, reports the exit status on the control
# port, and powers the machine off. The host's own kernel and files are never changed.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
. /.contlab-job

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts /dev/pts
ln -sf pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t mqueue mqueue /dev/mqueue
# The one cgroup tree; nsdelegate as systemd mounts it, so containers can manage their own.
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
# Hand every controller to the root's children, as systemd does on a cgroup v2 machine.
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
  echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
done
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mount -t tmpfs -o mode=755 run /run
# The guest kernel's modules come from the kernel package in the host's VM cache.
mkdir -p "/lib/modules/$(uname -r)" && mount --bind "$JOB_MODULES" "/lib/modules/$(uname -r)"
# The lab's home may not stay on the overlay root (overlayfs cannot stack an upper layer on
# it, and lessons, containerd and dockerd make overlays there): it gets the VM's disk, a
# fresh ext4 on a real block device as on a laptop (I/O limits need one), or else RAM.
mkdir -p /var/lib/contlab
if [ -n "$JOB_DISK" ] && modprobe virtio_blk && [ -b /dev/vda ] &&
  mkfs.ext4 -q -F -E lazy_itable_init=1,lazy_journal_init=1,nodiscard /dev/vda; then
  mount -o discard /dev/vda /var/lib/contlab
else
  mount -t tmpfs -o mode=755 contlab /var/lib/contlab
fi
# A clean home for root: the host's dotfiles (a .bashrc that starts pyenv, say) would make
# every nested shell of a lesson slow under emulation, and are not the lab's business.
mount -t tmpfs -o mode=700 root-home /root && cp /etc/skel/.bashrc /etc/skel/.profile /root/ 2>/dev/null
hostname contlab-vm
ip link set lo up 2>/dev/null

# Ports by the names the host gave them (virtio-serial; no udev here to make symlinks).
port() {
  for d in /sys/class/virtio-ports/*; do
    [ "$(cat "$d/name" 2>/dev/null)" = "$1" ] && echo "/dev/${d##*/}" && return 0
  done
  echo /dev/null
}
CTL=$(port contlab.ctl)
echo "ready $(cut -d' ' -f1 /proc/uptime)" >"$CTL"

cd "$JOB_CWD" 2>/dev/null || cd /
if [ "$JOB_TTY" = 1 ]; then
  # An interactive job: the virtio console is its terminal (the host sets rows and columns).
  stty -F /dev/hvc0 rows "$JOB_ROWS" cols "$JOB_COLS" 2>/dev/null
  setsid -c -w "$@" </dev/hvc0 >/dev/hvc0 2>&1
else
  "$@" </dev/null >"$(port contlab.out)" 2>"$(port contlab.err)"
fi
echo "exit $?" >"$CTL"
sync
poweroff -f
