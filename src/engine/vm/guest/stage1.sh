#!/bin/busybox sh
# contlab VM, stage 1: /init of the initramfs (busybox and a handful of kernel modules).
# It mounts the host's root filesystem read-only over virtiofs, puts an overlay with a
# tmpfs upper layer on it (the guest may write anywhere; nothing reaches the host's disk),
# and hands over to stage 2, a script of the contlab checkout seen through that overlay.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# What the host put in the second initramfs archive: STAGE2, the job (see job.ts).
. /contlab/env

fail() {
  echo "contlab-vm: stage 1: $*" >/dev/ttyS0
  poweroff -f
}

for m in $(cat /contlab/modules.order); do
  insmod "/contlab/modules/$m.ko" || fail "insmod $m.ko failed"
done

mkdir -p /lower /rw /newroot
mount -t virtiofs -o ro hostroot /lower || fail "cannot mount the host's root filesystem (virtiofs tag hostroot)"
mount -t tmpfs -o mode=755 rw /rw || fail "cannot mount the tmpfs for the overlay"
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
  fail "cannot mount the overlay on the host's root filesystem"
cp /contlab/env /newroot/.contlab-job || fail "cannot write the job into the guest's root"
[ -x "/newroot$STAGE2" ] || fail "stage 2 ($STAGE2) is not in the host's root filesystem"

umount /proc /sys /dev
exec switch_root /newroot "$STAGE2"
