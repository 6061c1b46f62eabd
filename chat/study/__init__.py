"""Study aids built from the plan's own text: the self-test quiz (应知应会) and its Word paper."""
