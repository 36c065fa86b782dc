! STOP with an integer code: the program ends with that exit status.
! Usage: stop_code N   (N = 0 stops with a plain STOP)
program stop_code
  implicit none
  character(len=16) :: arg
  integer :: n
  call get_command_argument(1, arg)
  read (arg, *) n
  print '(a,i0)', 'stopping with ', n
  if (n == 0) stop
  select case (n)
  case (3)
    stop 3
  case (42)
    stop 42
  case default
    stop 1
  end select
end program stop_code
