/*
** The ledger's typed in-place sorts (private): base's (lr_sort.h), under
** the name the ledger's files use.
*/
#ifndef LR_SORT_INT_H
#define LR_SORT_INT_H

#include "lr_sort.h"

#define LR__DEFINE_SORT(NAME, TYPE, BEFORE) LR_DEFINE_SORT(NAME, TYPE, BEFORE)

#endif
