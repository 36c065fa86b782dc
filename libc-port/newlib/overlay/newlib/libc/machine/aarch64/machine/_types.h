/* Eremit (libc-port overlay): machine-specific basic types for aarch64-hermit.
   newlib's own aarch64 header defines only _ssize_t (long, as here); Device and inode
   numbers are 64 bits wide and user and group ids 32 bits, as in the kernel's struct
   stat (the same on every architecture, and as on x86_64-hermit).  */

#ifndef _MACHINE__TYPES_H
#define _MACHINE__TYPES_H

#include <machine/_default_types.h>

#define __machine_ssize_t_defined
typedef long signed int _ssize_t;

#define __machine_dev_t_defined
typedef unsigned long __dev_t;

#define __machine_ino_t_defined
typedef unsigned long __ino_t;

#define __machine_uid_t_defined
typedef unsigned int __uid_t;

#define __machine_gid_t_defined
typedef unsigned int __gid_t;

#endif /* _MACHINE__TYPES_H */
