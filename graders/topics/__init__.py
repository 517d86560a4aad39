"""One grader module per topic; the manifest (graders/course.toml) names which."""
