"""Events and their time: time expressions (timex) now, PLOVER events later."""
