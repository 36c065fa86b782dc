//! What `poll` reports for one descriptor, from what the caller asked for and what the
//! object is ready for (`FileObject::readiness`): `POLLERR`, `POLLHUP` and `POLLNVAL`
//! always; `POLLRDNORM`/`POLLWRNORM` as the normal-data names of `POLLIN`/`POLLOUT`.

use crate::abi::net::{POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLRDNORM, POLLWRNORM};

/// `revents` for a descriptor whose object reports `ready`, asked for `events`.
pub fn revents(events: i16, ready: i16) -> i16 {
    let always = POLLERR | POLLHUP | POLLNVAL;
    let mut wanted = events | always;
    if events & POLLRDNORM != 0 {
        wanted |= POLLIN;
    }
    if events & POLLWRNORM != 0 {
        wanted |= POLLOUT;
    }
    let mut got = ready & wanted;
    if ready & POLLIN != 0 && events & POLLRDNORM != 0 {
        got |= POLLRDNORM;
    }
    if ready & POLLOUT != 0 && events & POLLWRNORM != 0 {
        got |= POLLWRNORM;
    }
    got & (events | always)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_what_was_asked_and_errors_always() {
        assert_eq!(revents(POLLIN, POLLIN | POLLOUT), POLLIN);
        assert_eq!(revents(POLLOUT, POLLIN | POLLOUT), POLLOUT);
        assert_eq!(revents(0, POLLIN | POLLHUP), POLLHUP);
        assert_eq!(revents(POLLIN, POLLNVAL), POLLNVAL);
        assert_eq!(revents(POLLIN, POLLERR | POLLOUT), POLLERR);
        assert_eq!(revents(POLLOUT, POLLIN), 0);
        // The normal-data names alone, and with their plain names.
        assert_eq!(revents(POLLRDNORM, POLLIN), POLLRDNORM);
        assert_eq!(revents(POLLWRNORM, POLLOUT), POLLWRNORM);
        assert_eq!(revents(POLLIN | POLLRDNORM, POLLIN), POLLIN | POLLRDNORM);
        assert_eq!(revents(POLLRDNORM, POLLOUT), 0);
    }
}
