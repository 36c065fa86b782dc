! The program's environment: GET_COMMAND_ARGUMENT, GET_COMMAND, GET_ENVIRONMENT_VARIABLE,
! and the clocks DATE_AND_TIME, CPU_TIME, SYSTEM_CLOCK.  Clock values change from run to
! run, so only their properties are printed (ranges, monotonicity, consistency).
program env_time
  implicit none
  integer :: i, n, length, status
  character(len=64) :: arg
  character(len=8) :: date
  character(len=10) :: time
  character(len=5) :: zone
  integer :: values(8)
  real :: t0, t1
  integer(8) :: c0, c1, rate, cmax
  integer :: c32, rate32
  real(8) :: s
  character(len=4) :: short

  n = command_argument_count()
  print '(a,i0)', 'arguments: ', n
  do i = 0, n
    call get_command_argument(i, arg, length, status)
    if (i == 0) then
      print '(a,l1)', 'argument 0 non-empty: ', length > 0
    else
      print '(a,i0,a,a,a,i0,a,i0)', 'argument ', i, ': [', trim(arg), '] length ', length, ' status ', status
    end if
  end do
  call get_command_argument(n + 1, arg, length, status)
  print '(a,i0,a,i0)', 'argument past the end: length ', length, ', status /= 0: ', merge(1, 0, status /= 0)
  if (n >= 1) then
    call get_command_argument(1, short, length, status)
    print '(a,a,a,i0,a,i0)', 'argument 1 into 4 characters: [', short, '] length ', length, ' status ', status
  end if

  call get_environment_variable('FORTRAN_GREETING', arg, length, status)
  if (status == 0) then
    print '(a,a,a,i0)', 'FORTRAN_GREETING = [', trim(arg), '] length ', length
  else
    print '(a,i0)', 'FORTRAN_GREETING not set: status ', status
  end if
  call get_environment_variable('EREMIT_SURELY_UNSET_VARIABLE', arg, length, status)
  print '(a,i0,a,i0)', 'unset variable: status ', status, ', length ', length

  call date_and_time(date, time, zone, values)
  print '(a,l1)', 'date_and_time: year plausible ', values(1) >= 2020 .and. values(1) < 2200
  print '(a,l1)', 'date_and_time: month/day/hour/min/sec in range ', &
    values(2) >= 1 .and. values(2) <= 12 .and. values(3) >= 1 .and. values(3) <= 31 .and. &
    values(5) >= 0 .and. values(5) <= 23 .and. values(6) >= 0 .and. values(6) <= 59 .and. &
    values(7) >= 0 .and. values(7) <= 60 .and. values(8) >= 0 .and. values(8) <= 999
  print '(a,l1)', 'date string matches values ', date(1:4) == itoa4(values(1))
  print '(a,l1)', 'time string has 10 characters with a dot ', time(7:7) == '.'

  call cpu_time(t0)
  s = 0
  do i = 1, 2000000
    s = s + sqrt(real(i, 8))
  end do
  call cpu_time(t1)
  print '(a,l1,a,l1)', 'cpu_time: non-negative ', t0 >= 0, ', non-decreasing ', t1 >= t0
  print '(a,f16.3)', 'work result: ', s

  call system_clock(c0, rate, cmax)
  call system_clock(c1)
  print '(a,l1,a,l1,a,l1)', 'system_clock(int64): rate > 0 ', rate > 0, ', count in [0, max] ', &
    c0 >= 0 .and. c0 <= cmax, ', non-decreasing ', c1 >= c0
  call system_clock(c32, rate32)
  print '(a,l1)', 'system_clock(int32): rate > 0 ', rate32 > 0

contains
  function itoa4(v) result(s4)
    integer, intent(in) :: v
    character(len=4) :: s4
    write (s4, '(i4.4)') v
  end function
end program env_time
