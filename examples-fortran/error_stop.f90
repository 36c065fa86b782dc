! ERROR STOP: the message goes to stderr and the program ends with exit status 1 (with a
! character stop code) or with the given integer code.
! Usage: error_stop [code]
program error_stop
  implicit none
  print '(a)', 'before error stop'
  if (command_argument_count() >= 1) then
    error stop 7
  end if
  error stop 'something went wrong'
end program error_stop
