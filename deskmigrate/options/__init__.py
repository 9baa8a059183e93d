"""The paid options. Each module is a plugin of its own, registered through the
``deskmigrate`` entry-point group like any third-party option would be."""
